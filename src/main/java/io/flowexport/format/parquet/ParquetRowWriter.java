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
        ParquetWriter<Object[]> writer = new Builder(new LocalOutputFile(file), new RowWriteSupport(columns))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(codec(options.compression()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .build();
        return new ParquetRowWriter(writer);
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
     * @throws IOException when a value does not fit its column (NULL in a NOT NULL column, a decimal beyond its
     *                     precision or scale, a time outside the microsecond range; the message names the column and
     *                     the 1-based row) or the file cannot be written
     */
    @Override
    public void write(Object[] values) throws IOException {
        try {
            writer.write(values);
        } catch (InvalidValueException e) {
            throw new IOException(e.getMessage(), e.getCause());
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
