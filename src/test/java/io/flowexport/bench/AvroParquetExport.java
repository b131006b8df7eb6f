package io.flowexport.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The parquet-avro way to export a query to Parquet, for {@link CamelRouteBench}: the same typed JDBC reads as
 * flow-export (one getter per column, chosen once), each row put into an Avro {@link GenericRecord} and written by
 * {@link AvroParquetWriter} with snappy and 32 MB row groups, as flow-export's Parquet writer does. Handles the
 * column types of the benchmark table only (bigint, integer, numeric(p,s), double, boolean, date, timestamptz,
 * text); an unbounded numeric or another type is written as a string.
 */
final class AvroParquetExport {

    private static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    private static final OffsetDateTime EPOCH = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    private enum Kind { LONG, INT, DECIMAL, DOUBLE, BOOLEAN, DATE, TIMESTAMP, STRING }

    private AvroParquetExport() {
    }

    /** Writes the rows of {@code query} to {@code file}; returns the number of rows. */
    static long export(DataSource source, String query, Path file) throws SQLException, IOException {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                Kind[] kinds = new Kind[n];
                int[] scales = new int[n];
                SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("row").fields();
                for (int i = 0; i < n; i++) {
                    kinds[i] = kind(md, i + 1);
                    scales[i] = md.getScale(i + 1);
                    Schema type = schema(kinds[i], md.getPrecision(i + 1), scales[i]);
                    boolean nullable = md.isNullable(i + 1) != ResultSetMetaData.columnNoNulls;
                    fields = fields.name(md.getColumnLabel(i + 1)).type(nullable
                            ? Schema.createUnion(Schema.create(Schema.Type.NULL), type) : type).noDefault();
                }
                Schema schema = fields.endRecord();
                GenericData model = new GenericData();
                model.addLogicalTypeConversion(new Conversions.DecimalConversion());
                long rows = 0;
                try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
                                new LocalOutputFile(file)).withSchema(schema).withDataModel(model)
                        .withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(ROW_GROUP_BYTES)
                        .build()) {
                    while (rs.next()) {
                        GenericData.Record record = new GenericData.Record(schema);
                        for (int i = 0; i < n; i++) {
                            record.put(i, value(rs, i + 1, kinds[i], scales[i]));
                        }
                        writer.write(record);
                        rows++;
                    }
                }
                c.rollback();
                return rows;
            }
        }
    }

    private static Kind kind(ResultSetMetaData md, int column) throws SQLException {
        return switch (md.getColumnType(column)) {
            case Types.BIGINT -> Kind.LONG;
            case Types.INTEGER, Types.SMALLINT -> Kind.INT;
            case Types.NUMERIC, Types.DECIMAL -> md.getPrecision(column) > 0 ? Kind.DECIMAL : Kind.STRING;
            case Types.DOUBLE, Types.FLOAT -> Kind.DOUBLE;
            case Types.BOOLEAN, Types.BIT -> Kind.BOOLEAN;
            case Types.DATE -> Kind.DATE;
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP;
            default -> Kind.STRING;
        };
    }

    private static Schema schema(Kind kind, int precision, int scale) {
        return switch (kind) {
            case LONG -> Schema.create(Schema.Type.LONG);
            case INT -> Schema.create(Schema.Type.INT);
            case DECIMAL -> LogicalTypes.decimal(precision, scale).addToSchema(Schema.create(Schema.Type.BYTES));
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIMESTAMP -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case STRING -> Schema.create(Schema.Type.STRING);
        };
    }

    private static Object value(ResultSet rs, int column, Kind kind, int scale) throws SQLException {
        Object v = switch (kind) {
            case LONG -> rs.getLong(column);
            case INT -> rs.getInt(column);
            case DECIMAL -> {
                BigDecimal d = rs.getBigDecimal(column);
                yield d == null ? null : d.setScale(scale, RoundingMode.UNNECESSARY);
            }
            case DOUBLE -> rs.getDouble(column);
            case BOOLEAN -> rs.getBoolean(column);
            case DATE -> {
                LocalDate d = rs.getObject(column, LocalDate.class);
                yield d == null ? null : (int) d.toEpochDay();
            }
            case TIMESTAMP -> {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                yield t == null ? null : ChronoUnit.MICROS.between(EPOCH, t);
            }
            case STRING -> rs.getString(column);
        };
        return rs.wasNull() ? null : v;
    }
}
