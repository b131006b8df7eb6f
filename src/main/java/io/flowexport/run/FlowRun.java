package io.flowexport.run;

import io.flowexport.dataset.Dataset;
import io.flowexport.flow.Flow;
import io.flowexport.query.ExportQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One run of one flow while it is in progress: what {@link ExportRunner#prepare} worked out and what the export
 * has written so far. Used by one thread at a time, except {@link #abort}, which another thread may call.
 */
public final class FlowRun {
    final Flow flow;
    final String runId;
    final RunTrigger trigger;
    final long startNanos = System.nanoTime();
    final Instant startedAt = Instant.now();
    private final List<Canceller> cancellers = new CopyOnWriteArrayList<>();
    private volatile String abortReason;
    Dataset dataset;
    ExportQuery query;
    OptionalLong watermark = OptionalLong.empty();
    Map<String, String> placeholders;
    String copySql;
    String path;
    Path staged;
    io.flowexport.state.PendingDelivery pending;
    io.flowexport.state.RunIntent replay;
    List<io.flowexport.destination.Delivered> deliveries = List.of();
    long rows;
    Long firstBatch;
    Long lastBatch;
    /** Set when the run's file goes to its destinations: from then on a failure is never retried. */
    volatile boolean handedOver;

    FlowRun(Flow flow, String runId, RunTrigger trigger) {
        this.flow = flow;
        this.runId = runId;
        this.trigger = trigger;
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
        String why = abortReason;
        if (why != null) {
            throw new IOException("run stopped: " + why);
        }
    }

    /**
     * Forgets what a failed attempt worked out, read and wrote (its staged file is deleted), so that the run can
     * prepare and export again under the same run id. Only before the file was handed to a destination.
     */
    void resetAttempt() {
        ExportRunner.deleteStaged(this);
        cancellers.clear(); // they cancel the failed attempt's statement or connection, which is closed
        dataset = null;
        query = null;
        watermark = OptionalLong.empty();
        placeholders = null;
        copySql = null;
        path = null;
        pending = null;
        replay = null;
        deliveries = List.of();
        rows = 0;
        firstBatch = null;
        lastBatch = null;
    }

    /** Why the run was asked to stop, or null. */
    String abortReason() {
        return abortReason;
    }

    private static void cancelQuietly(Canceller c) {
        try {
            c.cancel();
        } catch (Exception ignored) {
            // the run fails anyway at its next check; the cancel only shortens a blocking call
        }
    }

    /** The flow being run. */
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

    /** The query of the run; null before {@link ExportRunner#prepare}. */
    public ExportQuery query() {
        return query;
    }

    /** The source dataset; null before {@link ExportRunner#prepare}. */
    public Dataset dataset() {
        return dataset;
    }

    /** The flow's watermark when the run started. */
    public OptionalLong watermark() {
        return watermark;
    }

    /** The COPY statement of a CSV export that takes PostgreSQL's COPY path; null for the generic path. */
    public String copySql() {
        return copySql;
    }

    /** Which export path the run takes and why, e.g. {@code PostgreSQL COPY ... TO STDOUT (FORMAT csv)}. */
    public String path() {
        return path;
    }


    /** A delivery an earlier run still owes some destinations, which this run sends instead of exporting. */
    public io.flowexport.state.PendingDelivery pending() {
        return pending;
    }

    /**
     * The interrupted run this run replays (same batch range, run id and placeholder values), or null; see
     * {@link io.flowexport.state.RunIntent}.
     */
    public io.flowexport.state.RunIntent replay() {
        return replay;
    }

    /**
     * The run id destinations see (file names, idempotency keys, message ids): the replayed run's id when this
     * run replays one, else {@link #runId()}.
     */
    public String publishedRunId() {
        return replay != null ? replay.runId() : runId;
    }

    /** The placeholder values of this run ({@code batch_id} excluded). */
    public Map<String, String> placeholders() {
        return placeholders;
    }
}
