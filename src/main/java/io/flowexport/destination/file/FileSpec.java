package io.flowexport.destination.file;

import io.flowexport.flow.DestinationSpec;

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
}
