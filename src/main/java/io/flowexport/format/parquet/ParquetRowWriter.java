package io.flowexport.format.parquet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.dataset.Column;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.ParquetCompression;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/** Writes rows as Parquet records; see {@link ParquetFormat} for the mapping. */
final class ParquetRowWriter implements RowWriter {

    /** Upper bound of a row group, bytes (buffered in memory until flushed). */
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    /** Footer key holding the source column names when some had to be renamed for Avro. */
    static final String SOURCE_COLUMNS_KEY = "flowexport.source_columns";

    private final ParquetWriter<GenericRecord> writer;
    /** Reused for every row: the writer consumes a record before {@code write} returns. */
    private final GenericData.Record record;
    private final AvroColumn.Converter[] converters;
    private final boolean[] required;
    private final String[] names;
    private long row;

    private ParquetRowWriter(ParquetWriter<GenericRecord> writer, Schema schema, List<Column> columns,
            AvroColumn[] avroColumns) {
        this.writer = writer;
        this.record = new GenericData.Record(schema);
        int n = columns.size();
        converters = new AvroColumn.Converter[n];
        required = new boolean[n];
        names = new String[n];
        for (int i = 0; i < n; i++) {
            converters[i] = avroColumns[i].converter();
            required[i] = !columns.get(i).nullable();
            names[i] = columns.get(i).name();
        }
    }

    static ParquetRowWriter open(Path file, List<Column> columns, FormatOptions.Parquet options)
            throws IOException {
        List<String> sourceNames = columns.stream().map(Column::name).toList();
        List<String> fieldNames = AvroNames.fieldNames(sourceNames);
        AvroColumn[] avroColumns = new AvroColumn[columns.size()];
        List<Schema.Field> fields = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            avroColumns[i] = AvroColumn.of(column, i);
            Schema type = avroColumns[i].schema();
            fields.add(column.nullable()
                    ? new Schema.Field(fieldNames.get(i), Schema.createUnion(Schema.create(Schema.Type.NULL), type),
                            null, JsonProperties.NULL_VALUE)
                    : new Schema.Field(fieldNames.get(i), type));
        }
        Schema schema = Schema.createRecord("row", null, "io.flowexport", false, fields);
        AvroRowWriterBuilder builder = new AvroRowWriterBuilder(new LocalOutputFile(file), schema)
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(codec(options.compression()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(ROW_GROUP_BYTES);
        if (!fieldNames.equals(sourceNames)) {
            builder.withExtraMetaData(Map.of(SOURCE_COLUMNS_KEY, toJson(sourceNames)));
        }
        return new ParquetRowWriter(builder.build(), schema, columns, avroColumns);
    }

    static CompressionCodecName codec(ParquetCompression compression) {
        return switch (compression) {
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case ZSTD -> CompressionCodecName.ZSTD;
            case NONE -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    private static String toJson(List<String> names) {
        try {
            return new ObjectMapper().writeValueAsString(names);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws IOException when a value does not fit its column (NULL in a NOT NULL column, a decimal beyond its
     *                     precision, a time outside the microsecond range) or the file cannot be written
     */
    @Override
    public void write(Object[] values) throws IOException {
        row++;
        for (int i = 0; i < converters.length; i++) {
            Object v = values[i];
            if (v == null) {
                if (required[i]) {
                    throw new IOException(String.format("column '%s' in row %d is NULL but the column is declared "
                            + "NOT NULL", names[i], row));
                }
                record.put(i, null);
                continue;
            }
            try {
                record.put(i, converters[i].convert(v));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new IOException(String.format("column '%s' in row %d: %s", names[i], row, e.getMessage()),
                        e);
            }
        }
        writer.write(record);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
