package io.flowexport.dataset;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Converts the objects a JDBC driver returns from {@code ResultSet.getObject} into the canonical Java type of a
 * column's {@link ValueKind} (see its Javadoc), so format writers see one type per kind whatever the driver.
 *
 * <p>One converter per column is chosen once per export; {@link #convert} is then a switch on the kind.
 */
public final class ValueReader {

    private final List<Column> columns;
    private final ValueKind[] kinds;

    /** @param columns the columns of the rows to convert, in row order */
    public ValueReader(List<Column> columns) {
        this.columns = List.copyOf(columns);
        this.kinds = columns.stream().map(Column::kind).toArray(ValueKind[]::new);
    }

    /**
     * Converts the value of column {@code index} in place.
     *
     * @param index 0-based column index
     * @param value what the driver returned (may be null)
     * @return the canonical value, or null
     * @throws IllegalArgumentException when the driver returned a type this kind cannot hold
     */
    public Object convert(int index, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (kinds[index]) {
                case INT32 -> value instanceof Integer ? value : ((Number) value).intValue();
                case INT64 -> value instanceof Long ? value : ((Number) value).longValue();
                case DECIMAL -> decimal(value);
                case FLOAT32 -> value instanceof Float ? value : ((Number) value).floatValue();
                case FLOAT64 -> value instanceof Double ? value : ((Number) value).doubleValue();
                case BOOLEAN -> bool(value);
                case DATE -> date(value);
                case TIME -> time(value);
                case TIMESTAMP -> timestamp(value);
                case TIMESTAMP_TZ -> timestampTz(value);
                case STRING -> string(value);
                case BINARY -> binary(value);
            };
        } catch (ClassCastException | SQLException e) {
            throw new IllegalArgumentException("column '" + columns.get(index).name() + "' (" + kinds[index]
                    + ") returned an unexpected " + value.getClass().getName(), e);
        }
    }

    private static Object decimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString());
        }
        return new BigDecimal(v.toString());
    }

    private static Object bool(Object v) {
        if (v instanceof Boolean) {
            return v;
        }
        if (v instanceof Number n) {
            return n.intValue() != 0;
        }
        return Boolean.parseBoolean(v.toString()) || v.toString().equals("t") || v.toString().equals("1");
    }

    private static Object date(Object v) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof LocalDate) {
            return v;
        }
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().toLocalDate();
        }
        return LocalDate.parse(v.toString());
    }

    private static Object time(Object v) {
        if (v instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        if (v instanceof LocalTime) {
            return v;
        }
        return LocalTime.parse(v.toString());
    }

    private static Object timestamp(Object v) {
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof LocalDateTime) {
            return v;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toLocalDateTime();
        }
        return LocalDateTime.parse(v.toString().replace(' ', 'T'));
    }

    private static Object timestampTz(Object v) {
        if (v instanceof OffsetDateTime o) {
            return o.getOffset().equals(ZoneOffset.UTC) ? o : o.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof java.sql.Timestamp t) {
            return OffsetDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
        }
        if (v instanceof ZonedDateTime z) {
            return z.toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (v instanceof Instant i) {
            return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(v.toString()).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static Object string(Object v) throws SQLException {
        if (v instanceof String) {
            return v;
        }
        if (v instanceof Clob c) {
            return c.getSubString(1, (int) c.length());
        }
        return v.toString();
    }

    private static Object binary(Object v) throws SQLException {
        if (v instanceof byte[]) {
            return v;
        }
        if (v instanceof Blob b) {
            return b.getBytes(1, (int) b.length());
        }
        throw new ClassCastException(v.getClass().getName());
    }
}
