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
public final class JdbcRows implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final ValueKind[] kinds;
    private final int outputs;
    private final int batchIndex;

    private JdbcRows(Connection connection, PreparedStatement statement, ResultSet rows, ExportQuery query) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        List<Column> columns = query.outputColumns();
        this.outputs = columns.size();
        this.kinds = columns.stream().map(Column::kind).toArray(ValueKind[]::new);
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
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the first failure is the one to report
            }
            c.close();
            throw e;
        }
    }

    /**
     * Reads the next row.
     *
     * @param into receives the output columns' canonical values (null for NULL), in output order
     * @return the row's {@code xt_batch_id}, {@link Long#MIN_VALUE} when the dataset has none or it is NULL,
     *         or null when there are no more rows
     * @throws SQLException when the stream breaks (e.g. the connection was terminated)
     */
    public Long next(Object[] into) throws SQLException {
        if (!rows.next()) {
            return null;
        }
        for (int c = 0; c < outputs; c++) {
            into[c] = read(c + 1, kinds[c]);
        }
        if (batchIndex < 0) {
            return Long.MIN_VALUE;
        }
        long b = rows.getLong(batchIndex + 1);
        return rows.wasNull() ? Long.MIN_VALUE : b;
    }

    private Object read(int i, ValueKind kind) throws SQLException {
        ResultSet r = rows;
        Object v = switch (kind) {
            case INT32 -> r.getInt(i);
            case INT64 -> r.getLong(i);
            case DECIMAL -> r.getBigDecimal(i);
            case FLOAT32 -> r.getFloat(i);
            case FLOAT64 -> r.getDouble(i);
            case BOOLEAN -> r.getBoolean(i);
            case DATE -> r.getObject(i, LocalDate.class);
            case TIME -> {
                String t = r.getString(i);
                yield t == null ? null : LocalTime.parse(t);
            }
            case TIMESTAMP -> r.getObject(i, LocalDateTime.class);
            case TIMESTAMP_TZ -> {
                OffsetDateTime t = r.getObject(i, OffsetDateTime.class);
                yield t == null || t.getOffset().equals(ZoneOffset.UTC) ? t : t.withOffsetSameInstant(ZoneOffset.UTC);
            }
            case STRING -> r.getString(i);
            case BINARY -> r.getBytes(i);
        };
        return r.wasNull() ? null : v;
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
