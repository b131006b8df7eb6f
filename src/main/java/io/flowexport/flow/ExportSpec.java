package io.flowexport.flow;

/**
 * The {@code [properties.export]} table of an export flow, parsed and checked for shape.
 *
 * @param sourceDatasetId    the dataset (table or view) to read: {@code name} or {@code schema.name}
 * @param sourceDatasetType  the dataset kind stated by the flow, or null to detect it from the dataset
 * @param filePath           target path relative to the export directory, with placeholders such as
 *                           {@code {batch_id}}
 * @param exportMode         what part of the dataset to export; default full
 * @param batchId            the batch for {@link ExportMode#BATCH}; null otherwise
 * @param options            the typed exporter_config; its {@link FormatOptions#format()} is the file format
 */
public record ExportSpec(String sourceDatasetId, DatasetKind sourceDatasetType, String filePath,
                         ExportMode exportMode, Long batchId, FormatOptions options) {

    /** The file format, from {@code format} or the file extension. */
    public FileFormat format() {
        return options.format();
    }
}
