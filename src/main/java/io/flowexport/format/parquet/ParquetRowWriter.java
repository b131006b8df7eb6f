package io.flowexport.format.parquet;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.ParquetCompression;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/** Writes rows as Parquet records through {@link RowWriteSupport}; see {@link ParquetFormat} for the mapping. */
final class ParquetRowWriter implements RowWriter {

    /** Upper bound of a row group, bytes (buffered in memory until flushed). */
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

    private final ParquetWriter<Object[]> writer;

    private ParquetRowWriter(ParquetWriter<Object[]> writer) {
        this.writer = writer;
    }

    static ParquetRowWriter open(Path file, List<Column> columns, FormatOptions.Parquet options)
            throws IOException {
        Builder builder = new Builder(new LocalOutputFile(file), new RowWriteSupport(columns))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(codec(options.compression()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP_BYTES);
        for (Column c : columns) {
            builder = builder.withDictionaryEncoding(c.name(), dictionaryPays(c.kind()));
        }
        return new ParquetRowWriter(builder.build());
    }

    /**
     * Whether a column of this kind gets a dictionary. Text, dates and small integers often repeat (status
     * codes, record types, days), so a dictionary makes them small; wide numbers, timestamps and binary values
     * are mostly distinct, where parquet-mr would build a dictionary only to give it up once it outgrows its
     * page, which cost about a fifth of the write time in a profile.
     */
    static boolean dictionaryPays(io.flowexport.dataset.ValueKind kind) {
        return switch (kind) {
            case STRING, DATE, INT32, BOOLEAN -> true;
            case INT64, DECIMAL, FLOAT32, FLOAT64, TIME, TIMESTAMP, TIMESTAMP_TZ, BINARY -> false;
        };
    }

    static CompressionCodecName codec(ParquetCompression compression) {
        return switch (compression) {
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case ZSTD -> CompressionCodecName.ZSTD;
            case NONE -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    /**
     * @throws io.flowexport.format.UnwritableValueException when a value does not fit its column (NULL in a NOT
     *         NULL column, a decimal beyond its precision or scale, a time outside the microsecond range; the message
     *         names the column and the 1-based row)
     * @throws IOException when the file cannot be written
     */
    @Override
    public void write(Object[] values) throws IOException {
        try {
            writer.write(values);
        } catch (InvalidValueException e) {
            throw new io.flowexport.format.UnwritableValueException(e.getMessage(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** {@code ParquetWriter.Builder} for a ready-made {@link RowWriteSupport}. */
    private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {

        private final RowWriteSupport writeSupport;

        Builder(OutputFile file, RowWriteSupport writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** @deprecated abstract in parquet-hadoop, which deprecates it; the ParquetConfiguration variant is used. */
        @Deprecated
        @Override
        protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
            return writeSupport;
        }

        @Override
        protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }
    }
}
