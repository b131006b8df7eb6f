package io.flowexport.validate;

import io.flowexport.dataset.DatasetCatalog;
import java.nio.file.Path;

/**
 * What the checks beyond a file's own text need.
 *
 * @param catalog   the source database's datasets; null skips the database checks (dataset, columns, kind)
 * @param exportDir the directory file paths are relative to; null checks paths against a virtual directory
 * @param destinations the destination catalogue that {@code ref} names entries of
 * @param sourceDown why the source database cannot be used, in short (e.g. {@code the source database refused
 *                  the login}), with a null {@code catalog}; the command says it in full once. Null when the
 *                  database answers or is not asked
 * @param sourcePostponed with {@code sourceDown}: true postpones the database checks (each export flow gets a
 *                  warning, for {@code run} and {@code check}); false makes them an error on each export flow
 */
public record ValidationContext(DatasetCatalog catalog, Path exportDir,
                                io.flowexport.flow.DestinationCatalog destinations, String sourceDown,
                                boolean sourcePostponed) {

    /** With the database checks done when {@code catalog} is given. */
    public ValidationContext(DatasetCatalog catalog, Path exportDir,
                             io.flowexport.flow.DestinationCatalog destinations) {
        this(catalog, exportDir, destinations, null, false);
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
