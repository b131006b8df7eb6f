package io.flowexport.format.parquet;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.ExportFormat;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Apache Parquet on parquet-avro: one Avro record per row, written by parquet-avro's {@code AvroWriteSupport}.
 *
 * <p>Types (Avro → Parquet): INT32 → int (INT32); INT64 → long (INT64); DECIMAL with a known precision of 1-38
 * ({@link Column#hasBoundedPrecision()}) → decimal(p,s) on a fixed of the smallest size (DECIMAL(p,s) on
 * FIXED_LEN_BYTE_ARRAY), values rescaled exactly, a value that does not fit fails the write; <b>DECIMAL without a
 * bound (e.g. PostgreSQL {@code numeric}) → string</b> holding the exact plain text ({@code toPlainString()}),
 * because Parquet decimals need a fixed precision and rounding would lose data; FLOAT32 → float; FLOAT64 → double;
 * BOOLEAN → boolean; DATE → date (INT32 DATE); TIME → time-micros (INT64 TIME(MICROS, isAdjustedToUTC=false): a wall-clock time of
 * day; see {@link AvroRowWriterBuilder}); TIMESTAMP → local-timestamp-micros (TIMESTAMP(MICROS, isAdjustedToUTC=false));
 * TIMESTAMP_TZ → timestamp-micros (TIMESTAMP(MICROS, isAdjustedToUTC=true)); STRING → string (BYTE_ARRAY
 * STRING); BINARY → bytes (BYTE_ARRAY). Times finer than a microsecond are truncated to microseconds.
 *
 * <p>Every field is optional (a union with null) unless {@link Column#nullable()} is false; a NULL in a
 * non-nullable column fails the write. Column names: a Parquet column is named like its source column when the name
 * is a valid Avro name ({@code [A-Za-z_][A-Za-z0-9_]*}); otherwise invalid characters become {@code _}, a leading
 * digit gets a {@code _} prefix and collisions get {@code _2}, {@code _3}... The source names are then kept, in
 * column order, as a JSON array in the footer key {@value ParquetRowWriter#SOURCE_COLUMNS_KEY}.
 *
 * <p>Compression from {@link FormatOptions.Parquet#compression()} (none → UNCOMPRESSED); row groups of at most
 * {@value ParquetRowWriter#ROW_GROUP_BYTES} bytes, so memory stays bounded whatever the row count.
 */
public final class ParquetFormat implements ExportFormat {

    @Override
    public FileFormat format() {
        return FileFormat.PARQUET;
    }

    @Override
    public String contentType(FormatOptions options) {
        return "application/vnd.apache.parquet";
    }

    /** @throws IllegalArgumentException when {@code options} are not {@link FormatOptions.Parquet} */
    @Override
    public RowWriter open(Path file, List<Column> columns, FormatOptions options) throws IOException {
        if (!(options instanceof FormatOptions.Parquet parquet)) {
            throw new IllegalArgumentException("Parquet writer needs Parquet options, got "
                    + options.format().toml());
        }
        return ParquetRowWriter.open(file, columns, parquet);
    }
}
