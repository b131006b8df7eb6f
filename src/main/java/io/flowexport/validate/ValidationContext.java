package io.flowexport.validate;

import io.flowexport.dataset.DatasetCatalog;
import java.nio.file.Path;

/**
 * What the checks beyond a file's own text need.
 *
 * @param catalog   the source database's datasets; null skips the database checks (dataset, columns, kind)
 * @param exportDir the directory file paths are relative to; null checks paths against a virtual directory
 */
public record ValidationContext(DatasetCatalog catalog, Path exportDir) {

    /** No database checks, paths checked against a virtual export directory. */
    public static ValidationContext offline() {
        return new ValidationContext(null, null);
    }
}
