package io.flowexport.destination.file;

import io.flowexport.flow.DestinationSpec;
import java.util.List;
import java.util.Optional;

/**
 * A file under the export directory, published by an atomic rename ({@code type = "file"}, or {@code file_path}).
 * The run core knows this type: a flow whose only destination is a file stages beside it and renames.
 *
 * @param path target path relative to the export directory, with placeholders ({@code {batch_id}}, ...)
 */
public record FileSpec(String name, String ref, String path) implements DestinationSpec {

    /** The type's name in TOML. */
    public static final String TYPE = "file";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String template() {
        return path;
    }

    /** The file destinations among {@code destinations}, in order. */
    public static List<FileSpec> all(List<DestinationSpec> destinations) {
        return destinations.stream().filter(d -> d instanceof FileSpec).map(FileSpec.class::cast).toList();
    }

    /**
     * The export's only destination when it is a file: the run stages the file beside it and publishes it by
     * one rename; empty when there are other destinations (then the run stages in the work directory).
     */
    public static Optional<FileSpec> sole(List<DestinationSpec> destinations) {
        return destinations.size() == 1 && destinations.get(0) instanceof FileSpec f ? Optional.of(f)
                : Optional.empty();
    }
}
