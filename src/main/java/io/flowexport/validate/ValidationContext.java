package io.flowexport.validate;

import io.flowexport.dataset.DatasetCatalog;
import java.nio.file.Path;

/**
 * What the checks beyond a file's own text need.
 *
 * @param catalog   the source database's datasets; null skips the database checks (dataset, columns, kind)
 * @param exportDir the directory file paths are relative to; null checks paths against a virtual directory
 * @param destinations the destination catalogue that {@code ref} names entries of
 * @param sourcePostponed the source database is unreachable and its checks are postponed (with a null
 *                  {@code catalog}): each export flow gets a warning instead of the database checks
 */
public record ValidationContext(DatasetCatalog catalog, Path exportDir,
                                io.flowexport.flow.DestinationCatalog destinations, boolean sourcePostponed) {

    /** With the database checks done when {@code catalog} is given. */
    public ValidationContext(DatasetCatalog catalog, Path exportDir,
                             io.flowexport.flow.DestinationCatalog destinations) {
        this(catalog, exportDir, destinations, false);
    }

    /** Without a destination catalogue. */
    public ValidationContext(DatasetCatalog catalog, Path exportDir) {
        this(catalog, exportDir, io.flowexport.flow.DestinationCatalog.EMPTY);
    }

    /** No database checks, paths checked against a virtual export directory, no catalogue. */
    public static ValidationContext offline() {
        return new ValidationContext(null, null);
    }
}
