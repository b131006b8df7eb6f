package io.flowexport.query;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.SourceDialect;
import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Generates the SELECT of an export run from the flow's export mode, the dataset's kind and the watermark,
 * following the export-flow reference's query-generation rules:
 *
 * <table>
 * <caption>Filters by dataset kind and export mode (W = watermark, the highest batch already exported)</caption>
 * <tr><th></th><th>change feed</th><th>delta transaction</th><th>other</th></tr>
 * <tr><td>full</td><td>none</td><td>none</td><td>none</td></tr>
 * <tr><td>batch</td><td>xt_batch_id = B</td><td>xt_batch_id = B</td><td>xt_batch_id = B</td></tr>
 * <tr><td>incremental</td><td>xt_record_type in (new, changed) and xt_batch_id &gt; W</td>
 *     <td>xt_batch_id &gt; W</td><td>xt_batch_id = max(xt_batch_id) and xt_batch_id &gt; W</td></tr>
 * <tr><td>changes_only</td><td>xt_record_type in (new, changed, deleted) and xt_batch_id &gt; W</td>
 *     <td>xt_batch_id &gt; W</td><td>xt_batch_id &gt; W</td></tr>
 * </table>
 *
 * <p>Without a watermark (a flow's first run) the {@code > W} part is left out. Values are bound parameters;
 * identifiers come from the database's metadata and are quoted, so no configured name reaches the SQL as
 * written. Rows are ordered by {@code xt_batch_id}, then the primary key, when the dataset has them.
 */
public final class QueryBuilder {

    /** Record types incremental mode exports from a change feed. */
    public static final List<String> INCREMENTAL_TYPES = List.of("new", "changed");
    /** Record types changes_only mode exports from a change feed. */
    public static final List<String> CHANGE_TYPES = List.of("new", "changed", "deleted");

    private final SourceDialect dialect;
    /** The quote of a {@link SourceDialect#GENERIC} database, from its metadata; null for the known dialects. */
    private final String quote;

    /**
     * A query generator for a database the runner knows by its URL (quotes, TIME as text, typed reads).
     *
     * @param dialect the source database's dialect, from {@link SourceDialect#of(String)}
     */
    public QueryBuilder(SourceDialect dialect) {
        this(dialect, null);
    }

    /**
     * A query generator for {@code dialect}; for {@link SourceDialect#GENERIC}, {@code identifierQuote} (from
     * {@code DatabaseMetaData.getIdentifierQuoteString}) quotes identifiers.
     */
    public QueryBuilder(SourceDialect dialect, String identifierQuote) {
        this.dialect = dialect;
        this.quote = dialect != SourceDialect.GENERIC ? null
                : identifierQuote == null || identifierQuote.isBlank() ? "\"" : identifierQuote.trim();
    }

    /** A generic-dialect query generator quoting with {@code identifierQuote} (tests, other databases). */
    public QueryBuilder(String identifierQuote) {
        this(SourceDialect.GENERIC, identifierQuote);
    }

    /** The dialect the queries are written in. */
    public SourceDialect dialect() {
        return dialect;
    }

    /**
     * Builds the query of one run.
     *
     * @param spec      the flow's export settings (already validated against {@code dataset})
     * @param dataset   the source dataset
     * @param watermark the highest batch already exported by this flow, if any
     * @return the query
     * @throws IllegalArgumentException when the mode needs a column the dataset lacks (validation reports this
     *                                  earlier; this guards a dataset changed since)
     */
    public ExportQuery build(ExportSpec spec, Dataset dataset, OptionalLong watermark) {
        return build(spec, dataset, watermark, OptionalLong.empty());
    }

    /**
     * Builds the query of one run that reads batches up to {@code upTo} only (inclusive): a run that replays an
     * interrupted run's batch range, or one that waited for its batches to settle. For {@code incremental} on an
     * "other" dataset, the latest batch is the latest one up to {@code upTo}. Modes without a watermark ignore
     * it.
     *
     * @param upTo the highest batch to read, or empty for no upper bound
     * @throws IllegalArgumentException as {@link #build(ExportSpec, Dataset, OptionalLong)}
     */
    public ExportQuery build(ExportSpec spec, Dataset dataset, OptionalLong watermark, OptionalLong upTo) {
        DatasetKind kind = spec.sourceDatasetType() != null ? spec.sourceDatasetType() : dataset.detectedKind();
        List<Column> output = outputColumns(spec, dataset);
        Column batch = dataset.column(Dataset.BATCH_ID).orElse(null);
        List<String> select = new ArrayList<>();
        int batchIndex = -1;
        for (int i = 0; i < output.size(); i++) {
            select.add(selectExpression(output.get(i)));
            if (batch != null && output.get(i).name().equals(batch.name())) {
                batchIndex = i;
            }
        }
        if (batch != null && batchIndex < 0) {
            select.add(quote(batch.name()));
            batchIndex = output.size();
        }

        List<String> where = new ArrayList<>();
        List<ExportQuery.Parameter> params = new ArrayList<>();
        List<String> described = new ArrayList<>();
        ExportMode mode = spec.exportMode();
        String table = table(dataset);
        switch (mode) {
            case FULL -> {
            }
            case BATCH -> {
                where.add(quote(need(batch, mode).name()) + " = :?batch_id");
                params.add(new ExportQuery.Parameter("batch_id", spec.batchId()));
                described.add("xt_batch_id = " + spec.batchId());
            }
            case INCREMENTAL, CHANGES_ONLY -> {
                Column b = need(batch, mode);
                if (kind == DatasetKind.CHANGE_FEED) {
                    Column type = dataset.column(Dataset.RECORD_TYPE).orElseThrow(() ->
                            new IllegalArgumentException("dataset '" + dataset.id() + "' has no xt_record_type"));
                    List<String> types = mode == ExportMode.INCREMENTAL ? INCREMENTAL_TYPES : CHANGE_TYPES;
                    List<String> marks = new ArrayList<>();
                    for (int i = 0; i < types.size(); i++) {
                        marks.add(":?record_type_" + (i + 1));
                        params.add(new ExportQuery.Parameter("record_type_" + (i + 1), types.get(i)));
                    }
                    where.add(quote(type.name()) + " IN (" + String.join(", ", marks) + ")");
                    described.add("xt_record_type in (" + String.join(", ", types) + ")");
                } else if (kind == DatasetKind.OTHER && mode == ExportMode.INCREMENTAL) {
                    String latest = "SELECT MAX(" + quote(b.name()) + ") FROM " + table;
                    if (upTo.isPresent()) {
                        latest += " WHERE " + quote(b.name()) + " <= :?latest_up_to";
                        params.add(new ExportQuery.Parameter("latest_up_to", upTo.getAsLong()));
                    }
                    where.add(quote(b.name()) + " = (" + latest + ")");
                    described.add("latest batch");
                }
                if (watermark.isPresent()) {
                    where.add(quote(b.name()) + " > :?watermark");
                    params.add(new ExportQuery.Parameter("watermark", watermark.getAsLong()));
                    described.add("xt_batch_id > " + watermark.getAsLong() + " (watermark)");
                }
                if (upTo.isPresent()) {
                    where.add(quote(b.name()) + " <= :?up_to");
                    params.add(new ExportQuery.Parameter("up_to", upTo.getAsLong()));
                    described.add("xt_batch_id <= " + upTo.getAsLong());
                }
            }
            default -> throw new IllegalStateException("unhandled export mode " + mode);
        }

        StringBuilder from = new StringBuilder(" FROM ").append(table);
        if (!where.isEmpty()) {
            from.append(" WHERE ").append(String.join(" AND ", where));
        }
        List<String> order = orderColumns(dataset).stream().map(this::quote).toList();
        String orderBy = order.isEmpty() ? "" : " ORDER BY " + String.join(", ", order);
        String sql = "SELECT " + String.join(", ", select) + from + orderBy;
        return new ExportQuery(sql, params, output, batchIndex, kind,
                described.isEmpty() ? "none" : String.join(" and ", described), from.toString(), orderBy,
                batch == null ? null : quote(batch.name()), dialect);
    }

    /**
     * The columns an export of {@code dataset} is ordered by, unquoted, as the database spells them:
     * {@code xt_batch_id} when the dataset has it, then the primary-key columns in key order (without
     * {@code xt_batch_id} again); empty when the dataset has neither (the query then has no ORDER BY).
     */
    public static List<String> orderColumns(Dataset dataset) {
        List<String> order = new ArrayList<>();
        Column batch = dataset.column(Dataset.BATCH_ID).orElse(null);
        if (batch != null) {
            order.add(batch.name());
        }
        for (String key : dataset.primaryKey()) {
            if (batch == null || !key.equals(batch.name())) {
                order.add(key);
            }
        }
        return order;
    }

    /**
     * The SELECT expression of an output column: the column itself, except TIME, which is read as text because
     * drivers return it as {@code java.sql.Time} and drop the fraction of a second.
     */
    private String selectExpression(Column c) {
        String q = quote(c.name());
        return c.kind() == io.flowexport.dataset.ValueKind.TIME ? dialect.timeAsText(q) + " AS " + q : q;
    }

    /** The columns to write: {@code exporter_config.columns} mapped to the dataset's spelling, or all columns. */
    static List<Column> outputColumns(ExportSpec spec, Dataset dataset) {
        List<String> wanted = spec.options().columns();
        if (wanted.isEmpty()) {
            return dataset.columns();
        }
        List<Column> out = new ArrayList<>();
        for (String name : wanted) {
            out.add(dataset.column(name).orElseThrow(() -> new IllegalArgumentException(
                    "dataset '" + dataset.id() + "' has no column '" + name + "'")));
        }
        return out;
    }

    private static Column need(Column batch, ExportMode mode) {
        if (batch == null) {
            throw new IllegalArgumentException("export_mode '" + mode.toml() + "' needs an xt_batch_id column");
        }
        return batch;
    }

    private String table(Dataset dataset) {
        return (dataset.schema() != null ? quote(dataset.schema()) + "." : "") + quote(dataset.table());
    }

    /** Quotes an identifier, doubling any quote character inside it. */
    public String quote(String identifier) {
        return quote != null ? SourceDialect.quote(identifier, quote) : dialect.quote(identifier);
    }
}
