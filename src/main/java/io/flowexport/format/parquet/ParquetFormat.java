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
 * Apache Parquet, written with parquet-hadoop's {@code ParquetWriter} and our own {@code WriteSupport}: one record
 * per row, one top-level column per source column, no intermediate object model.
 *
 * <p>Types (ValueKind → Parquet physical type and logical type): INT32 → INT32; INT64 → INT64; DECIMAL with a known
 * precision of 1-38 ({@link Column#hasBoundedPrecision()}) → DECIMAL(p,s) on INT32 for p ≤ 9, INT64 for p ≤ 18,
 * else FIXED_LEN_BYTE_ARRAY of the smallest size (big-endian two's complement), values rescaled exactly: a value
 * that would need rounding or has more than p digits fails the write; <b>DECIMAL without a bound (e.g. PostgreSQL
 * {@code numeric}) → BYTE_ARRAY STRING</b> holding the exact plain text ({@code toPlainString()}), because Parquet
 * decimals need a fixed precision and rounding would lose data; FLOAT32 → FLOAT; FLOAT64 → DOUBLE; BOOLEAN → BOOLEAN;
 * DATE → INT32 DATE (days since 1970-01-01); TIME → INT64 TIME(MICROS, isAdjustedToUTC=false), a wall-clock time of
 * day; TIMESTAMP → INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false); TIMESTAMP_TZ → INT64 TIMESTAMP(MICROS,
 * isAdjustedToUTC=true); STRING → BYTE_ARRAY STRING (UTF-8); BINARY → BYTE_ARRAY. Times finer than a microsecond
 * are truncated to microseconds.
 *
 * <p>Every column is OPTIONAL unless {@link Column#nullable()} is false (then REQUIRED); a NULL in a non-nullable
 * column fails the write. A Parquet column is named exactly like its source column, whatever characters it holds.
 * A failed write throws an {@link IOException} naming the column and the 1-based row; the file is then unusable.
 *
 * <p>Compression from {@link FormatOptions.Parquet#compression()} (none → UNCOMPRESSED); dictionary encoding as
 * parquet-hadoop decides per column chunk; row groups of at most {@value ParquetRowWriter#ROW_GROUP_BYTES} bytes, so
 * memory stays bounded whatever the row count.
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
