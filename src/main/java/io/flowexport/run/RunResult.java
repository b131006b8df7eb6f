package io.flowexport.run;

import io.flowexport.destination.Delivered;
import java.nio.file.Path;
import java.util.List;
import java.time.Instant;

/**
 * The outcome of one run of one flow.
 *
 * @param flowId     the flow
 * @param flowVersion the content hash of the flow file version the run used (see {@link io.flowexport.flow.Flow#version})
 * @param runId      unique per run, e.g. {@code 20261120T233000Z-1a2b3c}
 * @param trigger    what started the run: {@code schedule}, {@code interval}, {@code manual} or {@code http}
 * @param startedAt  when the run started (UTC)
 * @param status     how it ended
 * @param rows       rows written to the published file (0 when none was published)
 * @param bytes      size of the published file in bytes (0 when none was published)
 * @param file       the published file, or null
 * @param firstBatch lowest {@code xt_batch_id} in the export, or null (no rows or no batch column)
 * @param lastBatch  highest {@code xt_batch_id} in the export, or null
 * @param seconds    wall-clock duration of the run in seconds
 * @param message    why it failed, was skipped or published nothing; for a run that replayed or re-sent an
 *                   earlier run's file, which; for a file destination whose target had a file already, what
 *                   happened to it ({@code <file>: replaced an existing file of <n> bytes}); null when it simply
 *                   succeeded
 * @param deliveries what each destination did (empty when the run did not get to deliver)
 * @param claim      which runner ran it, which firing it was, and the lease it held; null when unknown
 */
public record RunResult(String flowId, String flowVersion, String runId, String trigger, Instant startedAt,
                        RunStatus status, long rows, long bytes, Path file, Long firstBatch, Long lastBatch,
                        double seconds, String message, List<Delivered> deliveries, Claim claim) {

    public RunResult {
        deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
    }

    /** A result without a claim. */
    public RunResult(String flowId, String flowVersion, String runId, String trigger, Instant startedAt,
                     RunStatus status, long rows, long bytes, Path file, Long firstBatch, Long lastBatch,
                     double seconds, String message, List<Delivered> deliveries) {
        this(flowId, flowVersion, runId, trigger, startedAt, status, rows, bytes, file, firstBatch, lastBatch,
                seconds, message, deliveries, null);
    }

    /**
     * Who ran a run and which firing it was.
     *
     * @param runnerId  the runner ({@code flowexport.runner.id})
     * @param triggerId the trigger whose firing it was, or null (manual and API runs)
     * @param fireTime  the firing's identity (see {@link RunTrigger}), or null
     * @param fence     the flow's lease the run held, released when the run is recorded; null when it held none
     */
    public record Claim(String runnerId, String triggerId, Instant fireTime, io.flowexport.state.Fence fence) {
    }

    /** This result with {@code claim}. */
    public RunResult claimedBy(Claim c) {
        return new RunResult(flowId, flowVersion, runId, trigger, startedAt, status, rows, bytes, file, firstBatch,
                lastBatch, seconds, message, deliveries, c);
    }

    /** A result without destination results (skipped runs, runs that failed before delivering). */
    public RunResult(String flowId, String flowVersion, String runId, String trigger, Instant startedAt,
                     RunStatus status, long rows, long bytes, Path file, Long firstBatch, Long lastBatch,
                     double seconds, String message) {
        this(flowId, flowVersion, runId, trigger, startedAt, status, rows, bytes, file, firstBatch, lastBatch,
                seconds, message, List.of());
    }

    /** The files the run published (every file destination's), in the flow's destination order. */
    public List<Path> files() {
        return deliveries.stream().filter(d -> d.ok() && d.published() != null)
                .map(Delivered::published).toList();
    }

    /** When the run ended (UTC): {@link #startedAt} plus {@link #seconds}. */
    public Instant finishedAt() {
        return startedAt.plusNanos((long) (seconds * 1e9));
    }

    /** True for a run that did not fail. */
    public boolean ok() {
        return status != RunStatus.FAILED;
    }

    /** The batch range as {@code 41..43}, a single batch, or {@code -}. */
    public String batchRange() {
        return io.flowexport.state.RunRecord.range(firstBatch, lastBatch);
    }

    /** One line for run-once and the log: flow, status, rows, bytes, file, batch range, seconds, message. */
    public String summary(Path relativeTo) {
        String shown = file == null ? "-" : (relativeTo != null && file.startsWith(relativeTo)
                ? relativeTo.relativize(file).toString() : file.toString());
        return String.format(java.util.Locale.ROOT, "%-32s %-11s rows=%d bytes=%d file=%s batches=%s %.2fs%s",
                flowId, status.label(), rows, bytes, shown, batchRange(), seconds,
                message == null ? "" : "  " + message);
    }
}
