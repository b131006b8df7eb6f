package io.flowexport.query;

import io.flowexport.dataset.Column;
import io.flowexport.flow.DatasetKind;
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
 */
public record ExportQuery(String sql, List<Parameter> parameters, List<Column> outputColumns, int batchIndex,
                          DatasetKind datasetKind, String filter, String from, String orderBy, String batchColumn) {

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

    /** The parameters as {@code name=value, ...}, for {@code plan} and logs. */
    public String describeParameters() {
        return parameters.stream().map(p -> p.name() + "=" + p.value()).collect(Collectors.joining(", "));
    }

    /** The number of columns the SELECT returns (output columns plus a tracking-only batch column). */
    public int selectedColumnCount() {
        return batchIndex >= outputColumns.size() ? outputColumns.size() + 1 : outputColumns.size();
    }
}
