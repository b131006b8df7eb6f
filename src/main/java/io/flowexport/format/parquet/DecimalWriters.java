package io.flowexport.format.parquet;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writers of {@link BigDecimal} values: as Parquet DECIMAL(p,s) on the smallest physical type (INT32 for
 * p &lt;= 9, INT64 for p &lt;= 18, else FIXED_LEN_BYTE_ARRAY of {@link #fixedSize} bytes, big-endian two's
 * complement), or as exact plain text when the column has no bounded precision.
 */
final class DecimalWriters {

    /** Largest precision stored as INT32, digits. */
    static final int MAX_INT32_PRECISION = 9;
    /** Largest precision stored as INT64, digits. */
    static final int MAX_INT64_PRECISION = 18;

    private DecimalWriters() {
    }

    /** The writer for DECIMAL({@code precision},{@code scale}) on the physical type chosen for that precision. */
    static ValueWriter bounded(int precision, int scale) {
        if (precision <= MAX_INT32_PRECISION) {
            return new Int32Decimal(precision, scale);
        }
        if (precision <= MAX_INT64_PRECISION) {
            return new Int64Decimal(precision, scale);
        }
        return new FixedDecimal(precision, scale);
    }

    /** Bytes of the smallest two's-complement integer that holds every unscaled value of {@code precision}. */
    static int fixedSize(int precision) {
        int bits = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE).bitLength() + 1;
        return (bits + 7) / 8;
    }

    /** Exact text of any {@link BigDecimal} ({@code toPlainString()}), as UTF-8 BYTE_ARRAY STRING. */
    static final class PlainText extends ValueWriter {
        @Override
        void write(RecordConsumer consumer, Object value) {
            consumer.addBinary(Binary.fromConstantByteArray(
                    ((BigDecimal) value).toPlainString().getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /** Rescales to the column's scale without rounding and checks the precision. */
    private abstract static class Bounded extends ValueWriter {
        final int precision;
        final int scale;

        Bounded(int precision, int scale) {
            this.precision = precision;
            this.scale = scale;
        }

        /**
         * {@code value} at the column's scale.
         *
         * @throws IllegalArgumentException when that needs rounding or the value has more than {@code precision}
         *                                  digits
         */
        final BigDecimal scaled(Object value) {
            BigDecimal d = (BigDecimal) value;
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
            return scaled;
        }
    }

    private static final class Int32Decimal extends Bounded {
        Int32Decimal(int precision, int scale) {
            super(precision, scale);
        }

        @Override
        void write(RecordConsumer consumer, Object value) {
            // At most 9 digits: always fits an int.
            consumer.addInteger(scaled(value).unscaledValue().intValue());
        }
    }

    private static final class Int64Decimal extends Bounded {
        Int64Decimal(int precision, int scale) {
            super(precision, scale);
        }

        @Override
        void write(RecordConsumer consumer, Object value) {
            // At most 18 digits: always fits a long.
            consumer.addLong(scaled(value).unscaledValue().longValue());
        }
    }

    private static final class FixedDecimal extends Bounded {
        private final int size;

        FixedDecimal(int precision, int scale) {
            super(precision, scale);
            this.size = fixedSize(precision);
        }

        @Override
        void write(RecordConsumer consumer, Object value) {
            BigInteger unscaled = scaled(value).unscaledValue();
            byte[] minimal = unscaled.toByteArray();
            byte[] out;
            if (minimal.length == size) {
                out = minimal;
            } else {
                // The precision check guarantees minimal.length < size: sign-extend to the fixed width.
                out = new byte[size];
                byte pad = unscaled.signum() < 0 ? (byte) 0xFF : 0;
                for (int i = 0; i < size - minimal.length; i++) {
                    out[i] = pad;
                }
                System.arraycopy(minimal, 0, out, size - minimal.length, minimal.length);
            }
            consumer.addBinary(Binary.fromConstantByteArray(out));
        }
    }
}
