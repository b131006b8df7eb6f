package io.flowexport.state;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the run history: a run of a flow (also a skipped one, or one that found nothing new), or an
 * operator's {@code state reset}.
 *
 * @param flowId       the flow
 * @param runId        the run's id (for a reset, an id of the same form)
 * @param flowVersion  content hash of the flow file version the run used, or null
 * @param trigger      {@code schedule}, {@code interval}, {@code manual}, {@code http}, {@code takeover} (a run that
 *                     took over a flow whose runner stopped mid-run), or {@code cli} for a reset
 * @param startedAt    when it started (UTC)
 * @param finishedAt   when it ended (UTC)
 * @param status       {@code ok}, {@code nothing new}, {@code failed}, {@code skipped} or {@code reset}
 * @param rows         rows published (0 when none)
 * @param bytes        bytes of the published file (0 when none)
 * @param firstBatch   lowest {@code xt_batch_id} exported, or null
 * @param lastBatch    highest {@code xt_batch_id} exported, or null
 * @param files        published files: local ones relative to the export directory, lake ones as their URL
 * @param destinations each destination's result, in the flow's order
 * @param error        why the run failed (secrets masked); null unless {@code status} is {@code failed}
 * @param message      what else the run said (nothing new, skipped, replayed, reset), or null
 * @param runnerId     the runner that ran it ({@code flowexport.runner.id}), or null (a reset; runs recorded
 *                     before runners had ids)
 * @param triggerId    the id of the trigger whose firing it was, or null (manual, API and reset)
 * @param fireTime     the firing's identity: its scheduled fire time (UTC), the same on every runner; null when
 *                     {@code triggerId} is
 */
public record RunRecord(String flowId, String runId, String flowVersion, String trigger, Instant startedAt,
                        Instant finishedAt, String status, long rows, long bytes, Long firstBatch, Long lastBatch,
                        List<String> files, List<Destination> destinations, String error, String message,
                        String runnerId, String triggerId, Instant fireTime) {

    public RunRecord {
        files = List.copyOf(files);
        destinations = List.copyOf(destinations);
    }

    /** A history entry with no runner and no firing (a reset, or a test's fixture). */
    public RunRecord(String flowId, String runId, String flowVersion, String trigger, Instant startedAt,
                     Instant finishedAt, String status, long rows, long bytes, Long firstBatch, Long lastBatch,
                     List<String> files, List<Destination> destinations, String error, String message) {
        this(flowId, runId, flowVersion, trigger, startedAt, finishedAt, status, rows, bytes, firstBatch, lastBatch,
                files, destinations, error, message, null, null, null);
    }

    /**
     * What one destination did in the run.
     *
     * @param name   the destination's name in the flow
     * @param type   its type ({@code file}, {@code http}, ...)
     * @param target where it went (a path relative to the export directory, a URL with secrets masked, ...)
     * @param ok     true when it has the whole file
     * @param detail what happened, or why it failed (secrets masked)
     */
    public record Destination(String name, String type, String target, boolean ok, String detail) {
    }

    /** The batch range as {@code 41..43}, a single batch, or {@code -}. */
    public String batchRange() {
        return range(firstBatch, lastBatch);
    }

    /**
     * A batch range as runs, run events, the history and {@code state show} print it.
     *
     * @param first the lowest batch, or null (no rows, or no batch column)
     * @param last  the highest batch
     * @return {@code 41..43}, {@code 41} when both are the same, or {@code -} when {@code first} is null
     */
    public static String range(Long first, Long last) {
        return first == null ? "-" : first.equals(last) ? String.valueOf(first) : first + ".." + last;
    }
}
