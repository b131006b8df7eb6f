package io.flowexport.destination;

import io.flowexport.dataset.Column;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.IfExists;
import io.flowexport.flow.TextEncoding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One staged export file on its way to a flow's destinations.
 *
 * @param flowId   the flow
 * @param runId    the run that exported the file (for a re-sent pending delivery: the original run)
 * @param file     the complete staged file
 * @param format   its format
 * @param jsonl    for JSON: true when the file is JSON Lines, false for one JSON array
 * @param values   placeholder values for paths, URLs and headers ({@code batch_id} included when known)
 * @param batchRange the batch range as {@code 41..44}, {@code 41} or {@code -}
 * @param idempotencyScope what makes a delivery the same delivery again: the batch range for modes that export
 *                 batch ranges, the run id otherwise
 * @param aborted  true when the run must stop (the runner is stopping)
 * @param datasetId  the flow's source dataset
 * @param mode       the flow's export mode (decides, e.g., whether a lake target may be replaced)
 * @param rows       rows in the file
 * @param firstBatch the lowest batch id in the file, or null (full exports, no rows)
 * @param lastBatch  the highest batch id in the file, or null
 * @param columns    the file's columns in order (for manifests); empty when unknown
 * @param options    the flow's exporter_config for the file's format (how to read it back: a CSV file's delimiter,
 *                   header and encoding); the format's defaults when not given
 * @param ifExists   what a file destination does with a target that exists with other content: the flow's
 *                   {@code if_exists} (the export mode's default when not given), or {@link IfExists#OVERWRITE}
 *                   when the run replays its flow's interrupted run (see the run's {@code Publisher})
 */
public record Shipment(String flowId, String runId, Path file, FileFormat format, boolean jsonl,
                       Map<String, String> values, String batchRange, String idempotencyScope,
                       BooleanSupplier aborted, String datasetId, ExportMode mode, long rows, Long firstBatch,
                       Long lastBatch, List<Column> columns, FormatOptions options, IfExists ifExists) {

    public Shipment {
        values = Map.copyOf(values);
        columns = List.copyOf(columns);
        if (ifExists == null) {
            ifExists = IfExists.defaultFor(mode);
        }
        if (options == null) {
            options = format == FileFormat.CSV ? FormatOptions.Csv.defaults()
                    : format == FileFormat.JSON ? new FormatOptions.Json(0, jsonl, false,
                    TextEncoding.UTF_8, List.of()) : null;
        }
    }

    /** A shipment for a flow without {@code if_exists} (the export mode's default). */
    public Shipment(String flowId, String runId, Path file, FileFormat format, boolean jsonl,
                    Map<String, String> values, String batchRange, String idempotencyScope, BooleanSupplier aborted,
                    String datasetId, ExportMode mode, long rows, Long firstBatch, Long lastBatch,
                    List<Column> columns, FormatOptions options) {
        this(flowId, runId, file, format, jsonl, values, batchRange, idempotencyScope, aborted, datasetId, mode, rows,
                firstBatch, lastBatch, columns, options, null);
    }

    /** A shipment whose file was written with its format's default exporter_config. */
    public Shipment(String flowId, String runId, Path file, FileFormat format, boolean jsonl,
                    Map<String, String> values, String batchRange, String idempotencyScope, BooleanSupplier aborted,
                    String datasetId, ExportMode mode, long rows, Long firstBatch, Long lastBatch,
                    List<Column> columns) {
        this(flowId, runId, file, format, jsonl, values, batchRange, idempotencyScope, aborted, datasetId, mode, rows,
                firstBatch, lastBatch, columns, null, null);
    }
}
