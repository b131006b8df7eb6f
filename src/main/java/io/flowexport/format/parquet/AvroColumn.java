package io.flowexport.format.parquet;

import io.flowexport.dataset.Column;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * One column's Avro type and the converter from its canonical Java value to the Avro value parquet-avro writes
 * without any Avro logical-type conversion (ints, longs, fixed, ByteBuffer, String). Built once per file.
 */
final class AvroColumn {

    /** Converts a non-null canonical value; may throw IllegalArgumentException or ArithmeticException. */
    @FunctionalInterface
    interface Converter {
        Object convert(Object value);
    }

    private final Schema schema;
    private final Converter converter;

    private AvroColumn(Schema schema, Converter converter) {
        this.schema = schema;
        this.converter = converter;
    }

    /** The non-null Avro type of the column (the field's type is a union with null when it is nullable). */
    Schema schema() {
        return schema;
    }

    Converter converter() {
        return converter;
    }

    /**
     * The Avro type and converter for {@code column}.
     *
     * @param index the column's position, used to name the Avro fixed type of a DECIMAL
     */
    static AvroColumn of(Column column, int index) {
        return switch (column.kind()) {
            case INT32 -> new AvroColumn(Schema.create(Schema.Type.INT), v -> v);
            case INT64 -> new AvroColumn(Schema.create(Schema.Type.LONG), v -> v);
            case FLOAT32 -> new AvroColumn(Schema.create(Schema.Type.FLOAT), v -> v);
            case FLOAT64 -> new AvroColumn(Schema.create(Schema.Type.DOUBLE), v -> v);
            case BOOLEAN -> new AvroColumn(Schema.create(Schema.Type.BOOLEAN), v -> v);
            case STRING -> new AvroColumn(Schema.create(Schema.Type.STRING), v -> v);
            case BINARY -> new AvroColumn(Schema.create(Schema.Type.BYTES), v -> ByteBuffer.wrap((byte[]) v));
            case DATE -> new AvroColumn(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)),
                    v -> (int) ((LocalDate) v).toEpochDay());
            case TIME -> new AvroColumn(LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG)),
                    v -> ((LocalTime) v).toNanoOfDay() / 1_000);
            case TIMESTAMP -> new AvroColumn(
                    LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG)),
                    v -> micros(((LocalDateTime) v).toEpochSecond(ZoneOffset.UTC), ((LocalDateTime) v).getNano()));
            case TIMESTAMP_TZ -> new AvroColumn(
                    LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG)),
                    v -> micros(((OffsetDateTime) v).toEpochSecond(), ((OffsetDateTime) v).getNano()));
            case DECIMAL -> column.hasBoundedPrecision() ? decimal(column, index)
                    : new AvroColumn(Schema.create(Schema.Type.STRING), v -> ((BigDecimal) v).toPlainString());
        };
    }

    private static long micros(long epochSecond, int nano) {
        // Sub-microsecond digits are dropped (truncated towards the past, as nano is never negative).
        return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nano / 1_000);
    }

    private static AvroColumn decimal(Column column, int index) {
        int precision = column.precision();
        int scale = column.scale();
        int size = fixedSize(precision);
        Schema fixed = LogicalTypes.decimal(precision, scale)
                .addToSchema(Schema.createFixed("decimal_" + index, null, null, size));
        return new AvroColumn(fixed, v -> {
            BigDecimal d = (BigDecimal) v;
            BigDecimal scaled;
            try {
                scaled = d.setScale(scale, RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "value " + d.toPlainString() + " has more than " + scale + " decimal places", e);
            }
            if (scaled.precision() > precision) {
                throw new IllegalArgumentException("value " + d.toPlainString() + " does not fit DECIMAL("
                        + precision + "," + scale + ")");
            }
            return new GenericData.Fixed(fixed, twosComplement(scaled.unscaledValue(), size));
        });
    }

    /** Bytes of the smallest two's-complement integer that holds every unscaled value of {@code precision}. */
    static int fixedSize(int precision) {
        int bits = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE).bitLength() + 1;
        return (bits + 7) / 8;
    }

    private static byte[] twosComplement(BigInteger unscaled, int size) {
        byte[] minimal = unscaled.toByteArray();
        if (minimal.length == size) {
            return minimal;
        }
        byte[] out = new byte[size];
        Arrays.fill(out, 0, size - minimal.length, unscaled.signum() < 0 ? (byte) 0xFF : 0);
        System.arraycopy(minimal, 0, out, size - minimal.length, minimal.length);
        return out;
    }
}
