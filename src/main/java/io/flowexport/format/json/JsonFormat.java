package io.flowexport.format.json;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.ExportFormat;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * JSON and JSON Lines on Jackson's streaming {@code JsonGenerator}.
 *
 * <p>Shape: one JSON object per row, fields in column order, keyed by column name. Without
 * {@link FormatOptions.Json#jsonl()} the file is one array: with {@code indent > 0} pretty-printed with that many
 * spaces per level ({@code "name": value}, as Python's {@code json.dumps(indent=n)}); with {@code indent = 0}
 * compact, one object per line between {@code [} and {@code ]}. With {@code jsonl} every line is one compact
 * object ending in {@code \n}. Every file ends with {@code \n}.
 *
 * <p>Values: INT32/INT64/DECIMAL as JSON numbers (decimals exact and plain, never an exponent); FLOAT32/FLOAT64 as
 * numbers in shortest round-trip form, non-finite ones as the strings {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}; BOOLEAN as {@code true}/{@code false}; NULL as {@code null}; dates, times, timestamps and
 * binary as strings rendered by {@link io.flowexport.format.ValueText}. With {@code ensure_ascii} every non-ASCII
 * character is written as {@code \}{@code uxxxx} (lower-case hex as in Python; surrogate pairs for characters
 * beyond U+FFFF); without it non-ASCII text is written as is in the encoding. With latin-1 or cp1252 and no
 * {@code ensure_ascii}, an unencodable character fails the write with
 * {@link io.flowexport.format.UnrepresentableValueException}.
 */
public final class JsonFormat implements ExportFormat {

    @Override
    public FileFormat format() {
        return FileFormat.JSON;
    }

    /** {@code application/x-ndjson} for JSON Lines, else {@code application/json}. */
    @Override
    public String contentType(FormatOptions options) {
        return options instanceof FormatOptions.Json json && json.jsonl() ? "application/x-ndjson"
                : "application/json";
    }

    /**
     * @throws IllegalArgumentException when {@code options} are not {@link FormatOptions.Json}
     * @throws io.flowexport.format.UnrepresentableValueException when a column name cannot be encoded
     *         (row 0); nothing is created then
     */
    @Override
    public RowWriter open(Path file, List<Column> columns, FormatOptions options) throws IOException {
        if (!(options instanceof FormatOptions.Json json)) {
            throw new IllegalArgumentException("JSON writer needs JSON options, got " + options.format().toml());
        }
        return JsonRowWriter.open(file, columns, json);
    }
}
