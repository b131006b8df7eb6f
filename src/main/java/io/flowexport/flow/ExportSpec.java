package io.flowexport.flow;

import java.util.List;

/**
 * The {@code [properties.export]} table of an export flow, parsed and checked for shape.
 *
 * @param sourceDatasetId    the dataset (table or view) to read: {@code name} or {@code schema.name}
 * @param sourceDatasetType  the dataset kind stated by the flow, or null to detect it from the dataset
 * @param destinations       where the export goes, at least one: the file of {@code file_path} first (named
 *                           {@code file}), then {@code destination} / {@code destinations}; names are unique
 * @param exportMode         what part of the dataset to export; default full
 * @param batchId            the batch for {@link ExportMode#BATCH}; null otherwise
 * @param options            the typed exporter_config; its {@link FormatOptions#format()} is the file format
 * @param settleTime         {@code settle_time}: how long a run of an incremental mode waits, after it has seen
 *                           the highest new batch, before it reads the batches up to it, so that lower batches
 *                           whose transactions commit in that time are not skipped; zero (the default) reads at
 *                           once
 * @param ifExists           {@code if_exists}: what publishing to a file destination does when the target exists
 *                           with other content; null when the flow does not say (then {@link #fileIfExists()} is
 *                           the export mode's default)
 */
public record ExportSpec(String sourceDatasetId, DatasetKind sourceDatasetType, List<DestinationSpec> destinations,
                         ExportMode exportMode, Long batchId, FormatOptions options, java.time.Duration settleTime,
                         IfExists ifExists) {

    public ExportSpec {
        destinations = List.copyOf(destinations);
        settleTime = settleTime == null ? java.time.Duration.ZERO : settleTime;
    }

    /**
     * A spec without a settle time (batches are exported as soon as they are visible) and without
     * {@code if_exists} (the export mode's default).
     */
    public ExportSpec(String sourceDatasetId, DatasetKind sourceDatasetType, List<DestinationSpec> destinations,
                      ExportMode exportMode, Long batchId, FormatOptions options) {
        this(sourceDatasetId, sourceDatasetType, destinations, exportMode, batchId, options, java.time.Duration.ZERO,
                null);
    }

    /**
     * What publishing to the flow's file destinations does with a target that exists with other content: the
     * flow's {@code if_exists}, else the export mode's default ({@link IfExists#defaultFor}).
     */
    public IfExists fileIfExists() {
        return ifExists != null ? ifExists : IfExists.defaultFor(exportMode);
    }

    /** The file format, from {@code format} or the file extension. */
    public FileFormat format() {
        return options.format();
    }
}
