package io.flowexport.state;

import java.time.Instant;
import java.util.Map;

/**
 * What a run is about to publish, recorded before its file reaches the first destination: if the runner dies
 * before the run is recorded as done (the watermark moved, or a pending delivery kept), the next run of the flow
 * replays it: it reads the same batch range again ({@code xt_batch_id} above the unchanged watermark, up to
 * {@code lastBatch}) and publishes it under the same run id and placeholder values, so every destination gets
 * the same file names, URLs, idempotency keys and message ids as from the interrupted run.
 *
 * @param flowId     the flow
 * @param datasetId  the dataset the run read
 * @param runId      the run that began publishing
 * @param firstBatch lowest batch of its export, or null (no rows, or no batch column)
 * @param lastBatch  highest batch of its export, or null
 * @param values     its placeholder values, {@code batch_id} included when the path had one
 * @param createdAt  when it began publishing (UTC)
 */
public record RunIntent(String flowId, String datasetId, String runId, Long firstBatch, Long lastBatch,
                        Map<String, String> values, Instant createdAt) {

    public RunIntent {
        values = Map.copyOf(values);
    }
}
