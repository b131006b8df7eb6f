package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.FormatOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRetryTest {

    @TempDir
    Path tmp;

    private static final RuntimeException TERMINATED = new RunException("flow 'f': reading dataset 'orders' failed",
            new SQLException("FATAL: terminating connection due to administrator command", "57P01"));

    private static FlowRun run() {
        Flow flow = new Flow("f", "f", FlowType.EXPORT_FLOW, "public", null, Path.of("f.toml"), "v",
                new ExportSpec("orders", null, List.of(new io.flowexport.destination.file.FileSpec("file", null,
                        "o.csv")), ExportMode.FULL, null, FormatOptions.Csv.defaults()), List.of());
        return new FlowRun(flow, "run-1", RunTrigger.manual());
    }

    private static SourceRetry retry(int attempts, Duration backoff) {
        return new SourceRetry(new SourceRetry.Policy(attempts, backoff, "jdbc:postgresql://db/src"), () -> false);
    }

    @Test
    void aTransientFailureIsRetriedInTheSameRunAfterCleaningUp() throws Exception {
        // what an attempt read and wrote is its own value, never kept on the run (the attempt deletes its staged
        // file when it fails: SourceFaultsIT checks no file is left); the run goes back to its first stage
        FlowRun run = run();
        List<String> seen = new ArrayList<>();
        RunResult ok = ExportRunner.result(run, RunStatus.SUCCEEDED, 0, null, null, null);
        RunResult result = retry(3, Duration.ofMillis(5)).run(run, r -> {
            seen.add(r.runId() + " stage=" + r.stage());
            if (seen.size() < 3) {
                r.advance(RunStage.PREPARED);
                r.advance(RunStage.STAGED);
                throw TERMINATED;
            }
            return ok;
        });
        assertThat(result).isSameAs(ok);
        assertThat(seen).containsExactly("run-1 stage=BEGUN", "run-1 stage=BEGUN", "run-1 stage=BEGUN");
    }

    @Test
    void eachRetriedAttemptIsToldToTheListener() {
        List<Integer> told = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void sourceRetry(FlowRun run, int attempt) {
                told.add(attempt);
            }
        };
        SourceRetry retry = new SourceRetry(new SourceRetry.Policy(3, Duration.ofMillis(1), "db"), () -> false,
                listener);
        assertThatThrownBy(() -> retry.run(run(), r -> {
            throw TERMINATED;
        })).isInstanceOf(RunException.class);
        assertThat(told).containsExactly(1, 2); // the third attempt failed for good: not a retry
    }

    @Test
    void afterTheLastAttemptTheRunFailsSayingHowManyAndWhatToDo() {
        FlowRun run = run();
        int[] calls = {0};
        assertThatThrownBy(() -> retry(2, Duration.ofMillis(1)).run(run, r -> {
            calls[0]++;
            r.advance(RunStage.PREPARED);
            throw TERMINATED;
        })).isInstanceOf(RunException.class).hasCause(TERMINATED)
                .hasMessage("flow 'f': reading dataset 'orders' failed (2 attempts): SQLState 57P01: FATAL: "
                        + "terminating connection due to administrator command; nothing was published and the "
                        + "watermark stays; check that the source database jdbc:postgresql://db/src is up and "
                        + "accepts connections; the next run tries again (flowexport.source.attempts and "
                        + "flowexport.source.retry-backoff set how each run retries)");
        assertThat(calls[0]).isEqualTo(2);
        assertThat(run.stage()).isEqualTo(RunStage.BEGUN);

        assertThatThrownBy(() -> retry(1, Duration.ofMillis(1)).run(run(), r -> {
            throw TERMINATED;
        })).hasMessageStartingWith("flow 'f': reading dataset 'orders' failed (1 attempt, "
                + "flowexport.source.attempts = 1): SQLState 57P01");
    }

    @Test
    void permanentFailuresAndFailuresAfterTheHandOverAreNotRetried() {
        RuntimeException missing = new RunException("flow 'f': reading dataset 'orders' failed",
                new SQLException("relation \"orders\" does not exist", "42P01"));
        int[] calls = {0};
        assertThatThrownBy(() -> retry(3, Duration.ofMillis(1)).run(run(), r -> {
            calls[0]++;
            throw missing;
        })).isSameAs(missing);
        assertThat(calls[0]).isEqualTo(1);

        RuntimeException commit = new RunException("flow 'f': delivered the file but could not move the watermark",
                new SQLException("connection reset", "08006"));
        assertThatThrownBy(() -> retry(3, Duration.ofMillis(1)).run(run(), r -> {
            calls[0]++;
            r.advance(RunStage.PREPARED);
            r.advance(RunStage.HANDED_OVER);
            throw commit;
        })).isSameAs(commit);
        assertThat(calls[0]).isEqualTo(2);
    }

    @Test
    void theWaitEndsAtOnceWhenTheRunIsAborted() {
        FlowRun run = run();
        AtomicBoolean aborting = new AtomicBoolean();
        SourceRetry retry = new SourceRetry(new SourceRetry.Policy(3, Duration.ofMinutes(10), "db"), () -> {
            if (aborting.compareAndSet(false, true)) { // first check of the wait: abort from another thread
                new Thread(() -> run.abort("the runner is stopping")).start();
            }
            return false;
        });
        long start = System.nanoTime();
        assertThatThrownBy(() -> retry.run(run, r -> {
            throw TERMINATED;
        })).isSameAs(TERMINATED);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(run.abortReason()).isEqualTo("the runner is stopping");
    }

    @Test
    void noFurtherAttemptBeginsOnceTheRunnerIsStopping() {
        AtomicBoolean stopping = new AtomicBoolean();
        SourceRetry retry = new SourceRetry(new SourceRetry.Policy(3, Duration.ofMinutes(10), "db"), stopping::get);
        int[] calls = {0};
        long start = System.nanoTime();
        assertThatThrownBy(() -> retry.run(run(), r -> {
            calls[0]++;
            stopping.set(true);
            throw TERMINATED;
        })).isInstanceOf(RunException.class).hasMessageContaining("(attempt 1 of 3)")
                .hasMessageContaining("not retried because the runner is stopping");
        assertThat(calls[0]).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theBackoffDoubles() {
        SourceRetry retry = retry(5, Duration.ofSeconds(2));
        assertThat(List.of(retry.waitAfter(1), retry.waitAfter(2), retry.waitAfter(3)))
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
        assertThatThrownBy(() -> new SourceRetry(new SourceRetry.Policy(0, Duration.ZERO, "db"), () -> false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
