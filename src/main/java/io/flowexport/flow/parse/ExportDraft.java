package io.flowexport.flow.parse;

import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import java.util.List;

/**
 * What could be read from {@code [properties.export]}, even when other keys had errors; the input of the checks
 * that need the database or the export directory. A field is null when its key was absent or invalid (already
 * reported).
 *
 * @param sourceDatasetId   the dataset to read
 * @param sourceDatasetType the dataset kind the flow states
 * @param filePath          the path template, relative to the export directory
 * @param exportMode        the mode (default full)
 * @param batchId           the configured batch
 * @param columns           {@code exporter_config.columns}; empty for all columns
 */
public record ExportDraft(String sourceDatasetId, DatasetKind sourceDatasetType, String filePath,
                         ExportMode exportMode, Long batchId, List<String> columns) {

    public ExportDraft {
        columns = List.copyOf(columns);
    }
}
