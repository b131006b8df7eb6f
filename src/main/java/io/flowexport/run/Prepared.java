package io.flowexport.run;

import io.flowexport.query.BinaryCopy;
import io.flowexport.dataset.Dataset;
import io.flowexport.query.ExportQuery;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a run works out before it reads any row ({@link ExportRunner#prepare}); immutable.
 *
 * @param dataset      the source dataset
 * @param query        the export query (bounded to the replayed run's last batch when {@code replay} is set)
 * @param watermark    the flow's watermark when the run started; empty for full and batch exports, and before
 *                     the first run
 * @param placeholders the placeholder values of the run's names ({@code batch_id} excluded): the replayed run's
 *                     when {@code replay} is set
 * @param copySql      the COPY statement of a CSV export that takes PostgreSQL's COPY path; null for the generic
 *                     path
 * @param binaryCopy   the binary COPY that reads the rows of an export from PostgreSQL off the CSV COPY path; null
 *                     for the JDBC stream (and for the CSV COPY path)
 * @param path         which export path the run takes and why, e.g.
 *                     {@code PostgreSQL COPY ... TO STDOUT (FORMAT csv)}
 * @param pending      a delivery an earlier run still owes some destinations, which this run sends instead of
 *                     exporting; or null
 * @param replay       the interrupted run this run replays (same batch range, run id and placeholder values), or
 *                     null; see {@link RunIntent}
 */
public record Prepared(Dataset dataset, ExportQuery query, OptionalLong watermark, Map<String, String> placeholders,
                       String copySql, BinaryCopy.Decision binaryCopy, String path, PendingDelivery pending,
                       RunIntent replay) {

    public Prepared {
        placeholders = Map.copyOf(placeholders);
    }

    /**
     * The run id destinations see (file names, idempotency keys, message ids): the replayed run's id when this
     * run replays one, else {@code runId}.
     */
    public String publishedRunId(String runId) {
        return replay != null ? replay.runId() : runId;
    }
}
