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
 */
public record ExportSpec(String sourceDatasetId, DatasetKind sourceDatasetType, List<DestinationSpec> destinations,
                         ExportMode exportMode, Long batchId, FormatOptions options) {

    public ExportSpec {
        destinations = List.copyOf(destinations);
    }

    /** The file destinations, in order. */
    public List<DestinationSpec.File> files() {
        return destinations.stream().filter(d -> d instanceof DestinationSpec.File)
                .map(d -> (DestinationSpec.File) d).toList();
    }

    /** True when the export goes to exactly one destination, a file: it is staged beside it and renamed. */
    public boolean fileOnly() {
        return destinations.size() == 1 && destinations.get(0) instanceof DestinationSpec.File;
    }

    /** The file format, from {@code format} or the file extension. */
    public FileFormat format() {
        return options.format();
    }
}
