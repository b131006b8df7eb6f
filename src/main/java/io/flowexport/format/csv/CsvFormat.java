package io.flowexport.format.csv;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.ExportFormat;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CSV (RFC 4180 style), byte for byte as PostgreSQL's {@code COPY ... (FORMAT csv)} writes it.
 *
 * <p>Shape: an optional header line of column names, then one record per row; records end with {@code \n};
 * fields are separated by {@link FormatOptions.Csv#delimiter()} and quoted with {@code "} only when needed
 * (see {@link CsvText}: empty, delimiter, quote, CR, LF), quotes doubled inside. NULL is an empty unquoted field
 * and an empty string is {@code ""}, so the two stay distinct. Values are rendered by
 * {@link io.flowexport.format.ValueText}, floats by {@link PgFloatText}. Encoding from
 * {@link FormatOptions.Csv#encoding()}; latin-1 and cp1252 values are checked and an unencodable character
 * fails the write with {@link io.flowexport.format.UnrepresentableValueException}.
 */
public final class CsvFormat implements ExportFormat {

    @Override
    public FileFormat format() {
        return FileFormat.CSV;
    }

    @Override
    public String contentType(FormatOptions options) {
        return "text/csv";
    }

    /**
     * @throws IllegalArgumentException when {@code options} are not {@link FormatOptions.Csv}
     * @throws io.flowexport.format.UnrepresentableValueException when a column name cannot be encoded
     *         (row 0); nothing is created then
     */
    @Override
    public RowWriter open(Path file, List<Column> columns, FormatOptions options) throws IOException {
        if (!(options instanceof FormatOptions.Csv csv)) {
            throw new IllegalArgumentException("CSV writer needs CSV options, got " + options.format().toml());
        }
        return CsvRowWriter.open(file, columns, csv);
    }
}
