package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.flow.PathTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every TOML example of the export-flow reference ({@code ../shared/seed-flows}), verbatim: export flows validate
 * and run against the demo database; 09 and 11 are reported as not export flows.
 */
class SeedFlowsIT {

    @TempDir
    Path tmp;

    static Path seedDir() {
        Path beside = Path.of("..", "shared", "seed-flows");
        return Files.isDirectory(beside) ? beside : Path.of("/work/shared/seed-flows");
    }

    static Stream<Path> seeds() throws IOException {
        try (Stream<Path> s = Files.list(seedDir())) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
            assertThat(files).hasSize(21);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seeds")
    void seedFlowValidatesAndRunsOnTheDemoDatabase(Path seed) throws Exception {
        Harness h = Harness.demo(tmp);
        String text = Files.readString(seed);
        Files.copy(seed, h.flows.resolve(seed.getFileName()));
        boolean notExport = seed.getFileName().toString().startsWith("09_")
                || seed.getFileName().toString().startsWith("11_");

        Harness.Outcome validate = h.cli("validate").ok();
        assertThat(validate.out()).contains(" 0 error(s)");
        Harness.Outcome run = h.cli("run-once", "--all").ok();
        if (notExport) {
            assertThat(validate.out()).contains("not an export flow");
            assertThat(h.files()).isEmpty();
            return;
        }
        assertThat(validate.out()).contains("1 export flow(s) valid");
        String template = text.lines().filter(l -> l.startsWith("file_path")).findFirst().orElseThrow()
                .replaceAll("^file_path\\s*=\\s*\"([^\"]*)\".*$", "$1");
        List<String> files = h.files();
        assertThat(files).as(run.out() + run.err()).hasSize(1);
        String published = files.get(0);
        assertThat(published).doesNotContain("{").doesNotStartWith(".");
        String pattern = new PathTemplate(template).render(java.util.Map.of()).replace(".", "\\.")
                .replaceAll("\\{[a-z_]+}", "[0-9]+");
        assertThat(published).matches(pattern);
        assertThat(Files.size(h.exportDir.resolve(published))).isPositive();
        assertThat(run.out()).contains(" ok ").contains("rows=");
    }
}
