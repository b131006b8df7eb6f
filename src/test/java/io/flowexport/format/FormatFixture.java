package io.flowexport.format;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The rows every writer test writes: one column per {@link ValueKind} (plus an unbounded DECIMAL), with NULLs,
 * an empty string, quotes, delimiters, CR/LF, non-ASCII text, extreme numbers and sub-second times.
 *
 * <p>{@link #TEXT} holds the expected text of each value, written out by hand so that tests do not compare
 * the writers' rendering with itself.
 */
public final class FormatFixture {

    public static final List<Column> COLUMNS = List.of(
            new Column("id", ValueKind.INT32, "integer", 0, 0, false),
            Column.of("big", ValueKind.INT64),
            new Column("amount", ValueKind.DECIMAL, "numeric", 38, 9, true),
            new Column("free_num", ValueKind.DECIMAL, "numeric", 0, 0, true),
            Column.of("ratio", ValueKind.FLOAT32),
            Column.of("score", ValueKind.FLOAT64),
            Column.of("active", ValueKind.BOOLEAN),
            Column.of("day", ValueKind.DATE),
            Column.of("at_time", ValueKind.TIME),
            Column.of("local_ts", ValueKind.TIMESTAMP),
            Column.of("utc_ts", ValueKind.TIMESTAMP_TZ),
            Column.of("label", ValueKind.STRING),
            Column.of("payload", ValueKind.BINARY));

    public static final List<Object[]> ROWS = List.of(
            new Object[] {1, Long.MAX_VALUE, new BigDecimal("12345678901234567890.123456789"),
                new BigDecimal("1E+30"), 1.5f, 0.1, true, LocalDate.of(2026, 1, 31), LocalTime.of(10, 15, 30),
                LocalDateTime.of(2026, 1, 31, 10, 15, 30), OffsetDateTime.of(2026, 1, 31, 10, 15, 30, 0,
                        ZoneOffset.UTC), "say \"hi\", then go", new byte[] {0, 1, 2, (byte) 0xFF}},
            new Object[] {2, Long.MIN_VALUE, new BigDecimal("-0.000000001"), new BigDecimal("-3.14159265358979323846"),
                -0.25f, -1.0E300, false, LocalDate.of(1969, 12, 31), LocalTime.of(23, 59, 59, 123_456_000),
                LocalDateTime.of(1900, 1, 1, 0, 0, 0, 500_000_000), OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 1_000,
                        ZoneOffset.UTC), "", new byte[0]},
            new Object[] {3, null, null, null, null, null, null, null, null, null, null, null, null},
            new Object[] {4, 0L, new BigDecimal("-99999999999999999999999999999.999999999"), BigDecimal.ZERO,
                Float.NaN, Double.POSITIVE_INFINITY, true, LocalDate.of(2000, 2, 29), LocalTime.MIDNIGHT,
                LocalDateTime.of(2026, 6, 1, 12, 0), OffsetDateTime.of(2026, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC),
                "é 日本 😀", new byte[] {'A'}},
            new Object[] {5, -42L, new BigDecimal("1E+3"), new BigDecimal("0.1"), Float.NEGATIVE_INFINITY,
                Double.NaN, false, LocalDate.of(9999, 12, 31), LocalTime.of(0, 0, 0, 1_000),
                LocalDateTime.of(2026, 1, 31, 10, 15, 30, 120_000_000),
                OffsetDateTime.of(2026, 3, 29, 1, 30, 0, 0, ZoneOffset.UTC), "line1\r\nline2\nend ; | \t",
                new byte[] {(byte) 0xFB, (byte) 0xFF}});

    /** The expected text of every value; null for NULL. */
    public static final List<String[]> TEXT = List.of(
            new String[] {"1", "9223372036854775807", "12345678901234567890.123456789",
                "1000000000000000000000000000000", "1.5", "0.1", "true", "2026-01-31", "10:15:30",
                "2026-01-31T10:15:30", "2026-01-31T10:15:30Z", "say \"hi\", then go", "AAEC/w=="},
            new String[] {"2", "-9223372036854775808", "-0.000000001", "-3.14159265358979323846", "-0.25",
                "-1.0E300", "false", "1969-12-31", "23:59:59.123456", "1900-01-01T00:00:00.5",
                "1970-01-01T00:00:00.000001Z", "", ""},
            new String[] {"3", null, null, null, null, null, null, null, null, null, null, null, null},
            new String[] {"4", "0", "-99999999999999999999999999999.999999999", "0", "NaN", "Infinity", "true",
                "2000-02-29", "00:00:00", "2026-06-01T12:00:00", "2026-06-01T12:00:00Z", "é 日本 😀", "QQ=="},
            new String[] {"5", "-42", "1000", "0.1", "-Infinity", "NaN", "false", "9999-12-31", "00:00:00.000001",
                "2026-01-31T10:15:30.12", "2026-03-29T01:30:00Z", "line1\r\nline2\nend ; | \t", "+/8="});

    /**
     * The expected CSV text of every value: {@link #TEXT}, except floats, which CSV writes as PostgreSQL prints
     * them ({@code -1e+300}).
     */
    public static final List<String[]> CSV_TEXT = TEXT.stream().map(row -> {
        String[] copy = row.clone();
        for (int i = 0; i < copy.length; i++) {
            if ("-1.0E300".equals(copy[i])) {
                copy[i] = "-1e+300";
            }
        }
        return copy;
    }).toList();

    private FormatFixture() {
    }

    /** The column names in order. */
    public static List<String> names() {
        return COLUMNS.stream().map(Column::name).toList();
    }

    /** A row of the fixture as a copy, so a writer cannot change the shared one. */
    public static Object[] row(int index) {
        return Arrays.copyOf(ROWS.get(index), COLUMNS.size());
    }
}
