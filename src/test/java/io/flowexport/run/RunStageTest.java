package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.FormatOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunStageTest {

    private static FlowRun run() {
        Flow flow = new Flow("f", "f", FlowType.EXPORT_FLOW, "public", null, Path.of("f.toml"), "v",
                new ExportSpec("t", null, List.of(new io.flowexport.destination.file.FileSpec("file", null, "o.csv")),
                        ExportMode.FULL, null, FormatOptions.Csv.defaults()), List.of());
        return new FlowRun(flow, "run-1", RunTrigger.manual());
    }

    @Test
    void aRunGoesThroughItsStagesInOrder() {
        FlowRun run = run();
        assertThat(run.stage()).isEqualTo(RunStage.BEGUN);
        for (RunStage s : List.of(RunStage.PREPARED, RunStage.STAGED, RunStage.HANDED_OVER, RunStage.COMMITTED)) {
            run.advance(s);
            assertThat(run.stage()).isEqualTo(s);
        }
        assertThat(run.stage().handedOver()).isTrue();
    }

    @Test
    void aStageCannotBeSkippedOrGoneBackTo() {
        FlowRun run = run();
        assertThatThrownBy(() -> run.advance(RunStage.STAGED)).isInstanceOf(IllegalStateException.class)
                .hasMessage("flow 'f': run run-1 cannot go from stage BEGUN to STAGED");
        run.advance(RunStage.PREPARED);
        run.advance(RunStage.STAGED);
        assertThatThrownBy(() -> run.advance(RunStage.PREPARED)).isInstanceOf(IllegalStateException.class);
        run.advance(RunStage.FAILED);
        assertThatThrownBy(() -> run.advance(RunStage.COMMITTED)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void onlyARunNotYetHandedOverIsTriedAgain() {
        FlowRun run = run();
        run.advance(RunStage.PREPARED);
        run.advance(RunStage.STAGED);
        run.retry();
        assertThat(run.stage()).isEqualTo(RunStage.BEGUN);

        run.advance(RunStage.PREPARED);
        run.advance(RunStage.HANDED_OVER); // a pending delivery's file goes straight to the destinations
        assertThatThrownBy(run::retry).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was handed over to its destinations; it is not exported again");
    }

    @Test
    void nothingNewEndsWithoutAHandOver() {
        FlowRun run = run();
        run.advance(RunStage.PREPARED);
        run.advance(RunStage.STAGED);
        run.advance(RunStage.COMMITTED);
        assertThat(run.stage()).isEqualTo(RunStage.COMMITTED);
    }
}
