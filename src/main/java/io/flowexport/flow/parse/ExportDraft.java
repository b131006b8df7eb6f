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
 * @param destinations      the destinations without errors, with the keys of their paths and URLs
 * @param exportMode        the mode (default full)
 * @param batchId           the configured batch
 * @param columns           {@code exporter_config.columns}; empty for all columns
 */
public record ExportDraft(String sourceDatasetId, DatasetKind sourceDatasetType, List<Target> destinations,
                         ExportMode exportMode, Long batchId, List<String> columns) {

    public ExportDraft {
        destinations = List.copyOf(destinations);
        columns = List.copyOf(columns);
    }

    /**
     * A destination and the key of its path or URL in the flow file, for checks that point into it.
     *
     * @param key  e.g. {@code properties.export.file_path} or {@code properties.export.destinations[2].url}
     * @param spec the destination
     */
    public record Target(String key, io.flowexport.flow.DestinationSpec spec) {
    }
}
