package io.flowexport.run;

import io.flowexport.destination.Pause;
import io.flowexport.flow.Durations;
import io.flowexport.flow.Secrets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a run whose source database failed in a transient way ({@link SourceFailures#isTransient}) while the
 * run prepared or read its dataset: the same run (same run id) cleans up what the attempt left (its staged file,
 * which is hidden until the atomic publish, so nothing partial is ever visible; its row count and batch range),
 * logs one WARN line, waits, and prepares and exports again.
 *
 * <p>Not retried: failures that are not transient source failures (they repeat), anything after the file was
 * handed to a destination (destinations have their own retry policies, and a second export could send a file
 * twice), and runs asked to stop ({@link FlowRun#abort}) or a runner that is stopping: the wait between
 * attempts ends as soon as either happens.
 */
public final class SourceRetry {

    private static final Logger LOG = LoggerFactory.getLogger(SourceRetry.class);

    private final int attempts;
    private final Duration backoff;
    private final String source;
    private final BooleanSupplier stopping;
    private final RunListener listener;

    /**
     * How runs retry: {@code flowexport.source.attempts} and {@code flowexport.source.retry-backoff}.
     *
     * @param attempts how many times a run reads its dataset at most (at least 1; 1 means no retry)
     * @param backoff  the wait before the second attempt, doubled before each further one
     * @param source   how to name the source database in messages: its JDBC URL without password
     */
    public record Policy(int attempts, Duration backoff, String source) {
        /** @throws IllegalArgumentException when {@code attempts} is below 1 or {@code backoff} is negative */
        public Policy {
            if (attempts < 1 || backoff.isNegative()) {
                throw new IllegalArgumentException("attempts must be at least 1 and the backoff not negative, got "
                        + attempts + " and " + backoff);
            }
        }
    }

    /**
     * @param policy   how many attempts, how long between them, and how to name the source database
     * @param stopping true once the runner is stopping (then no further attempt begins)
     */
    public SourceRetry(Policy policy, BooleanSupplier stopping) {
        this(policy, stopping, new RunListeners(java.util.List.of()));
    }

    /**
     * @param policy   how many attempts, how long between them, and how to name the source database
     * @param stopping true once the runner is stopping (then no further attempt begins)
     * @param listener told of each failed attempt that is retried ({@link RunListener#sourceRetry})
     */
    public SourceRetry(Policy policy, BooleanSupplier stopping, RunListener listener) {
        this.listener = listener;
        this.attempts = policy.attempts();
        this.backoff = policy.backoff();
        this.source = policy.source();
        this.stopping = stopping;
    }

    /** How many times a run reads its dataset at most. */
    public int attempts() {
        return attempts;
    }

    /** The wait after failed attempt {@code n} (1-based): the backoff doubled {@code n - 1} times. */
    public Duration waitAfter(int n) {
        return backoff.multipliedBy(1L << Math.min(n - 1, 20));
    }

    /**
     * Runs {@code attempt} (prepare, then export) until it returns, retrying transient source failures.
     *
     * @param run     the run, begun and not prepared
     * @param attempt prepares and exports the run; it deletes what it staged when it fails
     * @return what the successful attempt returned
     * @throws RuntimeException the failure of the last attempt: as thrown when it is not a transient source
     *                          failure, when the run was asked to stop, or after the file was handed over; else a
     *                          {@link RunException} saying how many attempts were made and what to do
     */
    public <T> T run(FlowRun run, Function<FlowRun, T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.apply(run);
            } catch (RuntimeException e) {
                if (run.stage().handedOver() || run.abortReason() != null || !SourceFailures.isTransient(e)) {
                    throw e;
                }
                String reason = Secrets.redact(SourceFailures.reason(e));
                String failed = "flow '" + run.flow.id() + "': reading dataset '"
                        + run.flow.export().sourceDatasetId() + "' failed";
                if (n >= attempts) {
                    run.retry();
                    throw new RunException(failed + " (" + (attempts == 1 ? "1 attempt, flowexport.source.attempts"
                            + " = 1" : attempts + " attempts") + "): " + reason + "; nothing was published and the "
                            + "watermark stays; check that the source database " + source + " is up and accepts "
                            + "connections; the next run tries again (flowexport.source.attempts and "
                            + "flowexport.source.retry-backoff set how each run retries)", e);
                }
                if (stopping.getAsBoolean()) {
                    run.retry();
                    throw notRetried(failed, n, reason, "the runner is stopping", e);
                }
                Duration wait = waitAfter(n);
                LOG.warn("{} (attempt {} of {}): {}; retrying in {}", failed, n, attempts, reason,
                        Durations.format(wait));
                listener.sourceRetry(run, n);
                run.retry();
                if (!pause(run, wait)) {
                    if (run.abortReason() != null) {
                        throw e; // the run reports why it stopped
                    }
                    throw notRetried(failed, n, reason, stopping.getAsBoolean() ? "the runner is stopping"
                            : "the run's thread was interrupted", e);
                }
            }
        }
    }

    private RunException notRetried(String failed, int n, String reason, String why, RuntimeException e) {
        return new RunException(failed + " (attempt " + n + " of " + attempts + "): " + reason + "; not retried "
                + "because " + why + "; nothing was published and the watermark stays", e);
    }

    /** Waits {@code wait}; false as soon as the run is aborted or the runner stops. */
    private boolean pause(FlowRun run, Duration wait) {
        return Pause.pause(wait, () -> run.abortReason() != null || stopping.getAsBoolean());
    }
}
