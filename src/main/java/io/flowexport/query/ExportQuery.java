package io.flowexport.query;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.SourceDialect;
import io.flowexport.flow.DatasetKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL one export run executes, with its bound parameters.
 *
 * @param sql            a SELECT whose parameters are named {@code :?name}; {@link #jdbcSql()} gives the {@code ?} form
 * @param parameters     the values to bind, in order of first use
 * @param outputColumns  the columns written to the file: the first {@code outputColumns.size()} columns of the
 *                       SELECT
 * @param batchIndex     0-based index in the SELECT of {@code xt_batch_id}, used to track the batch range; -1
 *                       when the dataset has no batch column. It may point past the output columns when the
 *                       batch column is selected only for tracking.
 * @param datasetKind    the dataset kind the query was generated for
 * @param filter         a short human description of the filter, e.g. {@code xt_record_type in (new, changed)}
 * @param from           the {@code  FROM ... [WHERE ...]} part of {@link #sql}, with the same named parameters
 * @param orderBy        the {@code  ORDER BY ...} part of {@link #sql}, or empty
 * @param batchColumn    the quoted {@code xt_batch_id} column, or null when the dataset has none
 * @param dialect        the source database's dialect the SQL is written in; it says how each column is read
 */
public record ExportQuery(String sql, List<Parameter> parameters, List<Column> outputColumns, int batchIndex,
                          DatasetKind datasetKind, String filter, String from, String orderBy, String batchColumn,
                          SourceDialect dialect) {

    public ExportQuery {
        parameters = List.copyOf(parameters);
        outputColumns = List.copyOf(outputColumns);
    }

    /**
     * One bound parameter.
     *
     * @param name  the name used in the SQL after {@code :?}
     * @param value the value (Long or String)
     */
    public record Parameter(String name, Object value) {
    }

    /** The SQL with {@code :?name} replaced by {@code ?}, as a JDBC driver receives it. */
    public String jdbcSql() {
        return toJdbc(sql);
    }

    /** {@code sql} with {@code :?name} replaced by {@code ?}. */
    public static String toJdbc(String sql) {
        return sql.replaceAll(":\\?\\w+", "?");
    }

    /**
     * The SELECT that finds the lowest and highest batch of the export ({@code MIN}, {@code MAX} of
     * {@code xt_batch_id} over {@link #from}), with JDBC {@code ?} markers for {@link #parameters}; null when the
     * dataset has no batch column.
     */
    public String batchRangeSql() {
        return batchColumn == null ? null
                : toJdbc("SELECT MIN(" + batchColumn + "), MAX(" + batchColumn + ")" + from);
    }

    /**
     * Binds {@link #parameters} to a statement of {@link #jdbcSql()} or {@link #batchRangeSql()}, in order.
     *
     * @throws SQLException when the driver refuses a value
     */
    public void bind(PreparedStatement ps) throws SQLException {
        int i = 1;
        for (Parameter p : parameters) {
            ps.setObject(i++, p.value());
        }
    }

    /**
     * Runs {@link #batchRangeSql()} on {@code c} (in its current transaction).
     *
     * @return the lowest and highest batch the export would read; both null when it would read no row
     * @throws SQLException when the query fails
     * @throws IllegalStateException when the dataset has no batch column ({@link #batchRangeSql()} is null)
     */
    public BatchRange readBatchRange(Connection c) throws SQLException {
        String sql = batchRangeSql();
        if (sql == null) {
            throw new IllegalStateException("the dataset has no batch column");
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                Long first = rs.wasNull() ? null : min;
                long max = rs.getLong(2);
                Long last = rs.wasNull() ? null : max;
                return new BatchRange(first, last);
            }
        }
    }

    /**
     * The lowest and highest {@code xt_batch_id} of an export.
     *
     * @param first the lowest, or null when the export has no row
     * @param last  the highest, or null when the export has no row
     */
    public record BatchRange(Long first, Long last) {
    }

    /** The parameters as {@code name=value, ...}, for {@code plan} and logs. */
    public String describeParameters() {
        return parameters.stream().map(p -> p.name() + "=" + p.value()).collect(Collectors.joining(", "));
    }

    /** The number of columns the SELECT returns (output columns plus a tracking-only batch column). */
    public int selectedColumnCount() {
        return batchIndex >= outputColumns.size() ? outputColumns.size() + 1 : outputColumns.size();
    }
}
