package io.flowexport.format;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A file format plugin: turns rows into a file. Registered in {@link ExportFormats}.
 */
public interface ExportFormat {

    /** The format this plugin writes. */
    FileFormat format();

    /** The media type of the files, e.g. {@code text/csv}, {@code application/x-ndjson}. */
    String contentType(FormatOptions options);

    /**
     * Creates (or truncates) {@code file} and returns a writer for it.
     *
     * @param file    the staged file to write; its directory exists
     * @param columns the output columns, in output order
     * @param options this format's options (the {@link FormatOptions} record for {@link #format()})
     * @throws IOException when the file cannot be created
     */
    RowWriter open(Path file, List<Column> columns, FormatOptions options) throws IOException;
}
