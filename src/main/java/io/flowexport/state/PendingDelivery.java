package io.flowexport.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A run whose file reached some of its flow's destinations but not all: the file is kept, and the next run of the
 * flow sends it to the remaining destinations only (with the same names, URLs and idempotency keys) before it
 * exports anything new. The flow's watermark moves to {@code lastBatch} only when every destination has it.
 *
 * @param flowId      the flow
 * @param datasetId   the dataset the run read
 * @param runId       the run that exported the file
 * @param firstBatch  lowest batch in the file, or null
 * @param lastBatch   highest batch in the file, or null
 * @param rows        rows in the file
 * @param file        the kept file (under the work directory)
 * @param values      the run's placeholder values ({@code run_id}, {@code ds}, {@code batch_id}, ...)
 * @param remaining   the destinations still to deliver to, by name, with the chunks each already acknowledged
 * @param lastError   why the last delivery attempt failed (secrets masked)
 * @param createdAt   when the run exported the file (UTC)
 */
public record PendingDelivery(String flowId, String datasetId, String runId, Long firstBatch, Long lastBatch,
                              long rows, Path file, Map<String, String> values, Map<String, Integer> remaining,
                              String lastError, Instant createdAt) {

    public PendingDelivery {
        values = Map.copyOf(values);
        remaining = Map.copyOf(remaining);
    }
}
