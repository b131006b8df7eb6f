package io.flowexport.run;

import io.flowexport.flow.Flow;
import io.flowexport.state.Fence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One run of one flow while it is in progress: who it is (flow version, run id, trigger), which {@link RunStage}
 * it has reached, and how to stop it. What each stage produced travels separately, as immutable values: the
 * {@link Prepared} query, then the {@link Staged} file and its deliveries, then the {@link RunResult}.
 *
 * <p>Used by one thread at a time (the run's exchange), except {@link #abort} and {@link #progress}, which another
 * thread may call.
 */
public final class FlowRun {
    final Flow flow;
    final String runId;
    final RunTrigger trigger;
    final long startNanos = System.nanoTime();
    final Instant startedAt = Instant.now();
    private final List<Canceller> cancellers = new CopyOnWriteArrayList<>();
    private volatile String abortReason;
    private volatile RunStage stage = RunStage.BEGUN;
    private final String runnerId;
    private final Fence fence;
    /** {@link System#nanoTime()} until which the lease surely holds; unused when {@code fence} is null. */
    private volatile long leaseDeadline;
    /** Rows written so far; set by the writing thread once per chunk, read by {@link #progress}. */
    private volatile long rowsWritten;
    /** The staged file being written, or null before the export stage writes (its size is the bytes so far). */
    private volatile Path writing;
    /** The staged file's last size seen, kept once the file was moved on. */
    private volatile long bytesSeen;

    FlowRun(Flow flow, String runId, RunTrigger trigger) {
        this(flow, runId, trigger, null, null, 0);
    }

    /**
     * @param runnerId   the runner running it, or null
     * @param fence      the flow's lease it holds, or null when slots are not shared
     * @param leaseNanos how long the lease lasts from now (nanoseconds); 0 when it does not expire
     */
    FlowRun(Flow flow, String runId, RunTrigger trigger, String runnerId, Fence fence, long leaseNanos) {
        this.flow = flow;
        this.runId = runId;
        this.trigger = trigger;
        this.runnerId = runnerId;
        this.fence = fence;
        this.leaseDeadline = leaseNanos > 0 ? startNanos + leaseNanos : 0;
    }

    /** The flow's lease the run holds (checked by each of its state writes), or null when slots are not shared. */
    public Fence fence() {
        return fence;
    }

    /** Who ran the run and which firing it was, for its result. */
    RunResult.Claim claim() {
        return new RunResult.Claim(runnerId, trigger.triggerId(), trigger.fireTime(), fence);
    }

    /**
     * The lease was renewed: it holds at least {@code leaseNanos} from {@code sentNanos} (the
     * {@link System#nanoTime()} at which the renewal was sent).
     */
    public void renewed(long sentNanos, long leaseNanos) {
        if (leaseDeadline != 0) {
            leaseDeadline = Math.max(leaseDeadline, sentNanos + leaseNanos);
        }
    }

    /** Cancels a blocking database call of the run (a statement, a COPY) from another thread. */
    @FunctionalInterface
    interface Canceller {
        void cancel() throws Exception;
    }

    /** Registers a way to cancel a blocking call of this run; called by {@link #abort}. */
    void onAbort(Canceller canceller) {
        cancellers.add(canceller);
        if (abortReason != null) {
            cancelQuietly(canceller);
        }
    }

    /**
     * Asks the run to stop: the next check fails it (so nothing is published and the watermark stays), and
     * blocking database calls are cancelled. Safe from any thread; the run cleans up on its own thread.
     */
    void abort(String reason) {
        abortReason = reason;
        cancellers.forEach(FlowRun::cancelQuietly);
    }

    /** @throws IOException when the run was asked to stop; the message says why */
    void checkAborted() throws IOException {
        String why = abortReason();
        if (why != null) {
            throw new IOException("run stopped: " + why);
        }
    }

    /**
     * Moves the run to {@code next}.
     *
     * @throws IllegalStateException when the run cannot go from its stage to {@code next} (a bug in the pipeline)
     */
    void advance(RunStage next) {
        RunStage now = stage;
        if (!now.canGo(next)) {
            throw new IllegalStateException("flow '" + flow.id() + "': run " + runId + " cannot go from stage "
                    + now + " to " + next);
        }
        stage = next;
    }

    /**
     * Takes the run back to {@link RunStage#BEGUN} after a failed attempt, so that it can prepare and export again
     * under the same run id ({@link SourceRetry}). The attempt cleaned up its own staged file.
     *
     * @throws IllegalStateException once the file was handed to a destination: a run never exports twice then
     */
    void retry() {
        if (stage.handedOver()) {
            throw new IllegalStateException("flow '" + flow.id() + "': run " + runId + " was handed over to its "
                    + "destinations; it is not exported again");
        }
        cancellers.clear(); // they cancel the failed attempt's statement or connection, which is closed
        rowsWritten = 0;
        writing = null;
        bytesSeen = 0;
        stage = RunStage.BEGUN;
    }

    /** The export stage writes {@code staged} now; its size is the bytes of {@link #progress}. */
    void writingTo(Path staged) {
        bytesSeen = 0;
        writing = staged;
    }

    /**
     * {@code rows} have been written so far in this attempt (a running total, not an increment). Called by the
     * writing thread once per chunk of rows, not per row: one volatile write, no lock, no allocation.
     */
    void wrote(long rows) {
        rowsWritten = rows;
    }

    /**
     * How far the run has come now: rows and bytes written to its staged file and time since it began. Safe from
     * any thread at any time; costs one file-size look-up ({@code stat}) while the file is written, so call it a
     * few times a second, not per row.
     */
    public RunProgress progress() {
        Path file = writing;
        long bytes = bytesSeen;
        if (file != null) {
            try {
                bytes = Math.max(bytes, Files.size(file));
                bytesSeen = bytes;
            } catch (IOException e) {
                // moved on (handed over, published) or deleted: the last size seen stands
            }
        }
        return new RunProgress(rowsWritten, bytes, Duration.ofNanos(Math.max(0, System.nanoTime() - startNanos)));
    }

    /**
     * Why the run was asked to stop, or null. A run whose lease may have expired (it could not be renewed in
     * time: the state store was unreachable, or the process was paused) stops too: another runner may have taken
     * its flow over, so it publishes nothing more.
     */
    String abortReason() {
        String why = abortReason;
        if (why == null && leaseDeadline != 0 && System.nanoTime() - leaseDeadline > 0) {
            abort("its lease on the flow expired before it could be renewed (state store unreachable, or the "
                    + "runner was paused); another runner may take the flow over");
            why = abortReason;
        }
        return why;
    }

    private static void cancelQuietly(Canceller c) {
        try {
            c.cancel();
        } catch (Exception ignored) {
            // the run fails anyway at its next check; the cancel only shortens a blocking call
        }
    }

    /** The flow being run: the version in force when the run began, kept to its end. */
    public Flow flow() {
        return flow;
    }

    /** The run's id, unique per run. */
    public String runId() {
        return runId;
    }

    /** When the run began (UTC). */
    public Instant startedAt() {
        return startedAt;
    }

    /** What started the run. */
    public RunTrigger trigger() {
        return trigger;
    }

    /** The stage the run has reached. */
    public RunStage stage() {
        return stage;
    }
}
