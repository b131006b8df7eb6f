package io.flowexport.flow;

import java.nio.file.Path;
import java.util.Map;

/**
 * The destination catalogue: named destinations that operators define once (with their credentials, as
 * references) in {@code destinations/<name>.toml}, and that flows use with {@code ref = "<name>"}.
 *
 * @param entries the valid entries by name
 * @param broken  the names of entries whose file has errors, with the file
 */
public record DestinationCatalog(Map<String, DestinationSpec> entries, Map<String, Path> broken) {

    /** No entries. */
    public static final DestinationCatalog EMPTY = new DestinationCatalog(Map.of(), Map.of());

    public DestinationCatalog {
        entries = Map.copyOf(entries);
        broken = Map.copyOf(broken);
    }
}
