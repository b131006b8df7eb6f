package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.FormatOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunProgressTest {

    @TempDir
    Path tmp;

    private static FlowRun run() {
        Flow flow = new Flow("f", "f", FlowType.EXPORT_FLOW, "public", null, Path.of("f.toml"), "v",
                new ExportSpec("t", null, List.of(new io.flowexport.destination.file.FileSpec("file", null, "o.csv")),
                        ExportMode.FULL, null, FormatOptions.Csv.defaults()), List.of());
        return new FlowRun(flow, "run-1", RunTrigger.manual());
    }

    @Test
    void aNewRunHasWrittenNothing() {
        RunProgress p = run().progress();
        assertThat(p.rows()).isZero();
        assertThat(p.bytes()).isZero();
        assertThat(p.elapsed().isNegative()).isFalse();
    }

    @Test
    void rowsAndTheStagedFilesSizeAreReadFromAnotherThread() throws Exception {
        FlowRun run = run();
        Path staged = Files.write(tmp.resolve("staged.csv"), new byte[4096]);
        run.writingTo(staged);
        run.wrote(512);
        RunProgress p = CompletableFuture.supplyAsync(run::progress).get();
        assertThat(p.rows()).isEqualTo(512);
        assertThat(p.bytes()).isEqualTo(4096);
    }

    @Test
    void aFileMovedOnKeepsItsLastSize() throws Exception {
        FlowRun run = run();
        Path staged = Files.write(tmp.resolve("staged.csv"), new byte[100]);
        run.writingTo(staged);
        run.wrote(3);
        assertThat(run.progress().bytes()).isEqualTo(100);
        Files.move(staged, tmp.resolve("published.csv"));
        assertThat(run.progress()).extracting(RunProgress::rows, RunProgress::bytes).containsExactly(3L, 100L);
    }

    @Test
    void aRetriedRunCountsAgainFromZero() throws Exception {
        FlowRun run = run();
        run.writingTo(Files.write(tmp.resolve("staged.csv"), new byte[100]));
        run.wrote(1024);
        run.retry();
        assertThat(run.progress()).extracting(RunProgress::rows, RunProgress::bytes).containsExactly(0L, 0L);
    }
}
