package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.FileDestination;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.ExportFormats;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportRunnerTest {

    @TempDir
    Path tmp;

    private static Flow flow(String id) {
        return new Flow(id, id, FlowType.EXPORT_FLOW, "public", null, Path.of(id + ".toml"), "v",
                new ExportSpec("t", null, List.of(new io.flowexport.destination.file.FileSpec("file", null, "o.csv")), ExportMode.FULL, null, FormatOptions.Csv.defaults()), List.of());
    }

    private ExportRunner runner() {
        return new ExportRunner(null, null, null, ExportFormats.standard(), new FileDestination(tmp),
                new FileDestination(tmp.resolve("work")),
                new io.flowexport.destination.Deliveries(List.of()), null, 1000, null,
                new SourceRetry.Policy(1, java.time.Duration.ZERO, "db"), new RunListeners(List.of()),
                RunSlots.local("test-runner"));
    }

    @Test
    void aFlowNeverRunsTwiceAtOnceButOtherFlowsDo() {
        ExportRunner runner = runner();
        Begun first = runner.begin(flow("a"), RunTrigger.manual());
        assertThat(first).isInstanceOf(Begun.Started.class);
        assertThat(runner.begin(flow("a"), RunTrigger.manual())).as("second run of a while a runs")
                .isInstanceOf(Begun.Skipped.class);
        Begun other = runner.begin(flow("b"), RunTrigger.manual());
        assertThat(other).isInstanceOf(Begun.Started.class);
        assertThat(runner.isRunning("a")).isTrue();

        runner.end(((Begun.Started) first).run());
        assertThat(runner.isRunning("a")).isFalse();
        assertThat(runner.begin(flow("a"), RunTrigger.manual())).isInstanceOf(Begun.Started.class);
    }

    @Test
    void skippedResultSaysWhy() {
        RunResult r = runner().skipped(flow("a"), RunTrigger.manual(), "a run of this flow is still in progress");
        assertThat(r.status()).isEqualTo(RunStatus.SKIPPED);
        assertThat(r.ok()).isTrue();
        assertThat(r.message()).contains("still in progress");
    }
}
