package io.flowexport.format;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.flowexport.dataset.ValueKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Renders canonical column values (see {@link ValueKind}) as text; the one rendering shared by the text formats.
 *
 * <ul>
 *   <li>Integer, Long: decimal digits, e.g. {@code -42}.</li>
 *   <li>BigDecimal: {@link BigDecimal#toPlainString()}: exact, never an exponent.</li>
 *   <li>Float, Double: the shortest text that reads back to the same value (Schubfach, as in JDK 19+
 *       {@code Double.toString}), e.g. {@code 0.1}, {@code 1.0E10}; non-finite values as {@code NaN},
 *       {@code Infinity}, {@code -Infinity}.</li>
 *   <li>Boolean: {@code true} / {@code false}.</li>
 *   <li>LocalDate: {@code 2026-01-31}; LocalTime: {@code 10:15:30}; LocalDateTime: {@code 2026-01-31T10:15:30}
 *       (ISO 8601 without offset; seconds always, a fraction only when non-zero, trailing zeros dropped).</li>
 *   <li>OffsetDateTime: the same instant at UTC, suffixed {@code Z}: {@code 2026-01-31T10:15:30Z}.</li>
 *   <li>String: as is; byte[]: standard Base64 with padding (RFC 4648 section 4).</li>
 * </ul>
 *
 * <p>Every rendering except String is ASCII. Null is not rendered here: each format writes null its own way.
 */
public final class ValueText {

    /** Renders one non-null value of a column; built once per column so rows pay no type dispatch. */
    @FunctionalInterface
    public interface Renderer {
        /**
         * @param value a non-null value of the canonical Java type of the renderer's kind
         * @throws ClassCastException when the value has another type
         */
        String render(Object value);
    }

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private ValueText() {
    }

    /** The renderer for values of {@code kind}. */
    public static Renderer renderer(ValueKind kind) {
        return switch (kind) {
            case INT32 -> v -> Integer.toString((Integer) v);
            case INT64 -> v -> Long.toString((Long) v);
            case DECIMAL -> v -> ((BigDecimal) v).toPlainString();
            case FLOAT32 -> v -> ofFloat((Float) v);
            case FLOAT64 -> v -> ofDouble((Double) v);
            case BOOLEAN -> v -> ((Boolean) v) ? "true" : "false";
            case DATE -> v -> ofDate((LocalDate) v);
            case TIME -> v -> ofTime((LocalTime) v);
            case TIMESTAMP -> v -> ofTimestamp((LocalDateTime) v);
            case TIMESTAMP_TZ -> v -> ofInstant((OffsetDateTime) v);
            case STRING -> v -> (String) v;
            case BINARY -> v -> BASE64.encodeToString((byte[]) v);
        };
    }

    /**
     * Renders a value by its runtime type; slower than a {@link #renderer(ValueKind)}, for one-off use.
     *
     * @throws IllegalArgumentException when the type is not a canonical type of any {@link ValueKind}
     */
    public static String of(Object value) {
        if (value instanceof String s) {
            return s;
        } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
            return value.toString();
        } else if (value instanceof BigDecimal d) {
            return d.toPlainString();
        } else if (value instanceof Double d) {
            return ofDouble(d);
        } else if (value instanceof Float f) {
            return ofFloat(f);
        } else if (value instanceof LocalDate d) {
            return ofDate(d);
        } else if (value instanceof LocalTime t) {
            return ofTime(t);
        } else if (value instanceof LocalDateTime t) {
            return ofTimestamp(t);
        } else if (value instanceof OffsetDateTime t) {
            return ofInstant(t);
        } else if (value instanceof byte[] b) {
            return BASE64.encodeToString(b);
        }
        throw new IllegalArgumentException("not a canonical column value: "
                + (value == null ? "null" : value.getClass().getName()));
    }

    /** Shortest round-trip text of a double; {@code NaN}, {@code Infinity}, {@code -Infinity} when not finite. */
    public static String ofDouble(double v) {
        return NumberOutput.toString(v, true);
    }

    /** Shortest round-trip text of a float; {@code NaN}, {@code Infinity}, {@code -Infinity} when not finite. */
    public static String ofFloat(float v) {
        return NumberOutput.toString(v, true);
    }

    /** {@code yyyy-MM-dd}; years outside 0000-9999 as ISO 8601 expanded years ({@code +10000-01-01}). */
    public static String ofDate(LocalDate d) {
        int year = d.getYear();
        if (year < 0 || year > 9999) {
            return d.toString();
        }
        char[] c = new char[10];
        putDate(c, 0, year, d.getMonthValue(), d.getDayOfMonth());
        return new String(c);
    }

    /** {@code HH:mm:ss} plus {@code .f} (1-9 digits, trailing zeros dropped) when the fraction is non-zero. */
    public static String ofTime(LocalTime t) {
        return DateTimeFormatter.ISO_LOCAL_TIME.format(t);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f]}, no offset: a wall-clock time. */
    public static String ofTimestamp(LocalDateTime t) {
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        return timestampText(t, false);
    }

    /** The instant at UTC as {@code yyyy-MM-ddTHH:mm:ss[.f]Z}, whatever the value's offset. */
    public static String ofInstant(OffsetDateTime t) {
        LocalDateTime utc = t.getOffset().equals(ZoneOffset.UTC)
                ? t.toLocalDateTime()
                : t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        int year = utc.getYear();
        if (year < 0 || year > 9999) {
            return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(utc) + 'Z';
        }
        return timestampText(utc, true);
    }

    private static String timestampText(LocalDateTime t, boolean zulu) {
        int nano = t.getNano();
        int fractionDigits = 0;
        if (nano != 0) {
            fractionDigits = 9;
            int n = nano;
            while (n % 10 == 0) {
                n /= 10;
                fractionDigits--;
            }
        }
        char[] c = new char[19 + (fractionDigits > 0 ? 1 + fractionDigits : 0) + (zulu ? 1 : 0)];
        putDate(c, 0, t.getYear(), t.getMonthValue(), t.getDayOfMonth());
        c[10] = 'T';
        put2(c, 11, t.getHour());
        c[13] = ':';
        put2(c, 14, t.getMinute());
        c[16] = ':';
        put2(c, 17, t.getSecond());
        int pos = 19;
        if (fractionDigits > 0) {
            c[pos++] = '.';
            int divisor = 100_000_000;
            for (int i = 0; i < fractionDigits; i++) {
                c[pos++] = (char) ('0' + nano / divisor % 10);
                divisor /= 10;
            }
        }
        if (zulu) {
            c[pos] = 'Z';
        }
        return new String(c);
    }

    private static void putDate(char[] c, int at, int year, int month, int day) {
        c[at] = (char) ('0' + year / 1000);
        c[at + 1] = (char) ('0' + year / 100 % 10);
        c[at + 2] = (char) ('0' + year / 10 % 10);
        c[at + 3] = (char) ('0' + year % 10);
        c[at + 4] = '-';
        put2(c, at + 5, month);
        c[at + 7] = '-';
        put2(c, at + 8, day);
    }

    private static void put2(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }
}
