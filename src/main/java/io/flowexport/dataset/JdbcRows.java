package io.flowexport.dataset;

import io.flowexport.query.ExportQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;

/**
 * Streams the rows of an export's query with a server-side cursor, reading each column with the typed JDBC getter
 * of its {@link ValueKind} straight into the canonical Java type (no per-row map, no {@code java.sql.Timestamp}
 * and Calendar detour). One instance per run, used by one thread.
 *
 * <p>The connection comes from the source pool with auto-commit off, so drivers stream with the fetch size
 * instead of loading the whole result; it is rolled back and returned by {@link #close()}.
 */
public final class JdbcRows implements SourceRows {

    /** What a TIME column must hold, for {@link #notA}. */
    static final String TIME_OF_DAY = "a time of day (10:15:30)";

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final SourceDialect.Read[] reads;
    /** The declared scale of each DECIMAL output column (values are written at it), else -1. */
    private final int[] scales;
    private final String[] names;
    private final int outputs;
    private final int batchIndex;

    private JdbcRows(Connection connection, PreparedStatement statement, ResultSet rows, ExportQuery query) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        List<Column> columns = query.outputColumns();
        this.outputs = columns.size();
        SourceDialect dialect = query.dialect();
        this.reads = columns.stream().map(c -> dialect.read(c.kind(), c.sqlType())).toArray(SourceDialect.Read[]::new);
        this.scales = columns.stream().mapToInt(c -> c.kind() == ValueKind.DECIMAL && c.precision() > 0 ? c.scale() : -1)
                .toArray();
        this.names = columns.stream().map(Column::name).toArray(String[]::new);
        this.batchIndex = query.batchIndex();
    }

    /**
     * Executes the query.
     *
     * @param source    the source database
     * @param query     the export's query; its parameters are bound in order
     * @param fetchSize rows per round trip ({@code Integer.MIN_VALUE} makes MySQL stream)
     * @throws SQLException when the connection or the query fails
     */
    public static JdbcRows open(DataSource source, ExportQuery query, int fetchSize) throws SQLException {
        return open(source, query, fetchSize, statement -> { });
    }

    /**
     * Executes the query, handing the statement to {@code beforeExecute} first, so that another thread can
     * {@link java.sql.Statement#cancel() cancel} it while it runs.
     *
     * @throws SQLException when the connection or the query fails, or the statement was cancelled
     */
    public static JdbcRows open(DataSource source, ExportQuery query, int fetchSize,
                                java.util.function.Consumer<java.sql.Statement> beforeExecute) throws SQLException {
        Connection c = source.getConnection();
        try {
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
            PreparedStatement ps = c.prepareStatement(query.jdbcSql(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            query.bind(ps);
            beforeExecute.accept(ps);
            return new JdbcRows(c, ps, ps.executeQuery(), query);
        } catch (SQLException | RuntimeException e) {
            abandon(c);
            throw e;
        }
    }

    /** Rolls back and closes a connection whose read could not start; the read's own failure is the one to report. */
    static void abandon(Connection c) throws SQLException {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the first failure is the one to report
        }
        c.close();
    }

    @Override
    public Long next(Object[] into) throws SQLException {
        if (!rows.next()) {
            return null;
        }
        for (int c = 0; c < outputs; c++) {
            into[c] = read(c + 1, reads[c], c);
        }
        if (batchIndex < 0) {
            return Long.MIN_VALUE;
        }
        long b = rows.getLong(batchIndex + 1);
        return rows.wasNull() ? Long.MIN_VALUE : b;
    }

    private Object read(int i, SourceDialect.Read how, int c) throws SQLException {
        ResultSet r = rows;
        Object v = switch (how) {
            case INT -> r.getInt(i);
            case LONG -> r.getLong(i);
            case DECIMAL -> atScale(r.getBigDecimal(i), scales[c]);
            case DECIMAL_STORED -> atScale(stored(r.getObject(i), c), scales[c]);
            case FLOAT -> r.getFloat(i);
            case DOUBLE -> r.getDouble(i);
            case BOOLEAN -> r.getBoolean(i);
            case DATE -> r.getObject(i, LocalDate.class);
            case TIME_TEXT -> {
                String t = r.getString(i);
                yield t == null ? null : parse(t, c, TIME_OF_DAY, LocalTime::parse);
            }
            case TIMESTAMP -> r.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> utc(r.getObject(i, OffsetDateTime.class));
            case TIMESTAMP_AS_UTC -> {
                LocalDateTime t = r.getObject(i, LocalDateTime.class);
                yield t == null ? null : t.atOffset(ZoneOffset.UTC);
            }
            case STRING -> r.getString(i);
            case BYTES -> r.getBytes(i);
            case DATE_TEXT -> {
                String t = r.getString(i);
                yield t == null ? null : parse(t, c, "an ISO-8601 date (2026-01-31)", LocalDate::parse);
            }
            case TIMESTAMP_TEXT -> {
                String t = r.getString(i);
                yield t == null ? null : parse(t, c, "an ISO-8601 timestamp (2026-01-31 10:15:30.123)",
                        x -> LocalDateTime.parse(x.replace(' ', 'T')));
            }
            case TIMESTAMP_TZ_TEXT -> {
                String t = r.getString(i);
                yield t == null ? null : parse(t, c, "an ISO-8601 timestamp with offset (2026-01-31 10:15:30+02:00)",
                        x -> OffsetDateTime.parse(isoOffset(x.replace(' ', 'T')))
                                .withOffsetSameInstant(ZoneOffset.UTC));
            }
        };
        return r.wasNull() ? null : v;
    }

    /**
     * A DECIMAL at its column's declared scale: drivers of databases that keep numbers loosely (SQLite stores
     * 20.00 as the integer 20) return fewer digits after the point. Never rounds: a value with more digits is
     * returned as read, and the writer refuses it if the format cannot hold it.
     *
     * @param scale the column's declared scale, or -1 to keep {@code v} as it is
     */
    static java.math.BigDecimal atScale(java.math.BigDecimal v, int scale) {
        if (v == null || scale < 0 || v.scale() == scale) {
            return v;
        }
        if (v.scale() < scale) {
            return v.setScale(scale);
        }
        try {
            return v.setScale(scale, java.math.RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            return v;
        }
    }

    /** An instant at UTC, as the formats write it; null stays null. */
    static OffsetDateTime utc(OffsetDateTime t) {
        return t == null || t.getOffset().equals(ZoneOffset.UTC) ? t : t.withOffsetSameInstant(ZoneOffset.UTC);
    }

    /** The error of a column holding {@code text}, which is not {@code expected}. */
    static SQLException notA(String column, String text, String expected, RuntimeException cause) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new SQLException("column '" + column + "' holds '" + shown + "', which is not " + expected
                + "; store it in that form, or export the column as text with exporter_config.columns and a"
                + " view that casts it", "22007", cause);
    }

    /** An offset written {@code +02} or {@code +0200}, as SQLite's text may hold it. */
    private static final java.util.regex.Pattern SHORT_OFFSET =
            java.util.regex.Pattern.compile("([+-]\\d\\d)(\\d\\d)?$");

    /** {@code 2026-01-31T10:15:30+02} and {@code ...+0200} become {@code ...+02:00}, which {@link OffsetDateTime} reads. */
    private static String isoOffset(String timestamp) {
        java.util.regex.Matcher m = SHORT_OFFSET.matcher(timestamp);
        if (!m.find() || m.start() < 16) { // an offset comes after the time of day (yyyy-mm-ddThh:mm)
            return timestamp;
        }
        return timestamp.substring(0, m.start()) + m.group(1) + ":" + (m.group(2) == null ? "00" : m.group(2));
    }

    /** A number as SQLite stored it. */
    private java.math.BigDecimal stored(Object v, int c) throws SQLException {
        if (v == null) {
            return null;
        }
        if (v instanceof Double d) {
            return java.math.BigDecimal.valueOf(d);
        }
        if (v instanceof Float f) {
            return new java.math.BigDecimal(Float.toString(f));
        }
        if (v instanceof Long || v instanceof Integer) {
            return java.math.BigDecimal.valueOf(((Number) v).longValue());
        }
        return parse(v.toString(), c, "a number", java.math.BigDecimal::new);
    }

    /** Parses a value kept as text, or fails naming the column and what was expected. */
    private <T> T parse(String text, int c, String expected, java.util.function.Function<String, T> parser)
            throws SQLException {
        try {
            return parser.apply(text.strip());
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw notA(names[c], text, expected, e);
        }
    }

    /** Closes the result, the statement and returns the connection (rolled back: the run only read). */
    @Override
    public void close() throws SQLException {
        try {
            rows.close();
            statement.close();
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
