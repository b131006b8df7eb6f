package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets in the first hour, with the packaged jar and the real command line: the version of the
 * jar, unknown flow ids, the target paths {@code check} and {@code plan} print, a source database that refuses
 * or is missing, commands that must not create databases in the working directory, and {@code state show} of a
 * full export.
 */
class FirstHourIT {

    @TempDir
    Path tmp;

    /** {@code java -jar target/flow-export.jar <args>} in {@code dir}; stdout and stderr together. */
    static Harness.Outcome jar(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", Path.of("target", "flow-export.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ended").isTrue();
        return new Harness.Outcome(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void thePackagedJarPrintsItsVersion() throws Exception {
        Harness.Outcome v = jar(tmp, "--version");
        assertThat(v.code()).isZero();
        assertThat(v.out().strip()).matches("flow-export \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
