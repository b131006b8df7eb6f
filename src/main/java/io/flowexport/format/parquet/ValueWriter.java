package io.flowexport.format.parquet;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Adds one non-null canonical value of a column to a {@link RecordConsumer}, inside {@code startField}/
 * {@code endField}. One instance per column, chosen once per file by {@link ParquetColumn#of}, so writing a value
 * costs one virtual call and no type dispatch.
 *
 * <p>{@link #write} throws {@link IllegalArgumentException} or {@link ArithmeticException} when the value does not
 * fit the column, and {@link ClassCastException} when it is not the column's canonical Java type.
 */
abstract class ValueWriter {

    abstract void write(RecordConsumer consumer, Object value);

    /** {@link Integer} as INT32. */
    static final class Int32 extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addInteger((Integer) value);
        }
    }

    /** {@link Long} as INT64. */
    static final class Int64 extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addLong((Long) value);
        }
    }

    /** {@link Float} as FLOAT. */
    static final class Float32 extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addFloat((Float) value);
        }
    }

    /** {@link Double} as DOUBLE. */
    static final class Float64 extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addDouble((Double) value);
        }
    }

    /** {@link Boolean} as BOOLEAN. */
    static final class Bool extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addBoolean((Boolean) value);
        }
    }

    /** {@link String} as UTF-8 BYTE_ARRAY. */
    static final class Text extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            // String.getBytes is intrinsified for Latin-1 strings and gives a byte-array Binary, which the dictionary
            // and statistics compare faster than Binary.fromString's ByteBuffer (measured: ~0.4 s less per 1M rows
            // with two text columns).
            consumer.addBinary(Binary.fromConstantByteArray(((String) value).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * {@code byte[]} as BYTE_ARRAY. Marked reused: Parquet copies the bytes it keeps (dictionary, statistics), so a
     * caller may reuse its array after {@code write} returns.
     */
    static final class Bytes extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addBinary(Binary.fromReusedByteArray((byte[]) value));
        }
    }

    /** {@link LocalDate} as INT32 days since 1970-01-01. */
    static final class Date extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addInteger(Math.toIntExact(((LocalDate) value).toEpochDay()));
        }
    }

    /** {@link LocalTime} as INT64 microseconds since midnight; finer digits truncated. */
    static final class Time extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addLong(((LocalTime) value).toNanoOfDay() / 1_000);
        }
    }

    /** {@link LocalDateTime} as INT64 microseconds since 1970-01-01T00:00 (wall clock, no zone). */
    static final class Timestamp extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            LocalDateTime t = (LocalDateTime) value;
            consumer.addLong(micros(t.toEpochSecond(ZoneOffset.UTC), t.getNano(), t));
        }
    }

    /** {@link OffsetDateTime} as INT64 microseconds since the epoch, UTC. */
    static final class TimestampTz extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            OffsetDateTime t = (OffsetDateTime) value;
            consumer.addLong(micros(t.toEpochSecond(), t.getNano(), t));
        }
    }

    /**
     * Microseconds since 1970-01-01T00:00Z of {@code value}; sub-microsecond digits are dropped (truncated towards
     * the past, as {@code nano} is never negative).
     *
     * @throws IllegalArgumentException when the instant is beyond the INT64 microsecond range (about 290,308 BC
     *                                  to 294,247 AD), naming {@code value}
     */
    static long micros(long epochSecond, int nano, Object value) {
        try {
            return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nano / 1_000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("timestamp " + value + " is beyond what Parquet's TIMESTAMP(MICROS) "
                    + "holds (microseconds since 1970 in 64 bits: about 290308 BC to 294247 AD); correct or leave out "
                    + "the value at the source (e.g. in a view), or export this flow as CSV or JSON Lines", e);
        }
    }
}
