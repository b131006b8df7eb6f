package io.flowexport.query;

import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.SourceDialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Whether the source database sorts the rows of an export query ({@code ORDER BY xt_batch_id, key}, see
 * {@link QueryBuilder#orderColumns}) and, when it does, the {@code CREATE INDEX} that lets it read them in order.
 *
 * <p>How it is decided: PostgreSQL is asked ({@code EXPLAIN (FORMAT JSON)} of the query with its values, see
 * {@link PgPlan}): a {@code Sort} or {@code Incremental Sort} node means it sorts. Every other database is judged
 * from its metadata ({@link DatabaseMetaData#getIndexInfo}, the primary key): it can read in order when an index
 * (or the primary key) has the ORDER BY columns as its leading columns, in order and ascending; whether its
 * planner does is its choice. Partial, descending, hash and expression indexes do not count.
 *
 * @param verdict      what the check found
 * @param orderColumns the ORDER BY columns, unquoted; empty for {@link Verdict#NO_ORDER}
 * @param index        an index whose leading columns are {@code orderColumns} ({@code "primary key"} for the
 *                     key), or null when none has them
 * @param plan         PostgreSQL's plan; null for the other databases
 * @param createIndex  with {@link Verdict#SORTS} on a table: the statement that adds an index in the order, in the
 *                     source's dialect with quoted identifiers; else null
 * @param view         true when the dataset is a view (an index goes on its table, which the check cannot name)
 */
public record SortCheck(Verdict verdict, List<String> orderColumns, String index, PgPlan plan, String createIndex,
                        boolean view) {

    /** What the check found. */
    public enum Verdict {
        /** The query has no ORDER BY: the dataset has neither {@code xt_batch_id} nor a primary key. */
        NO_ORDER,
        /** The rows come in order: from PostgreSQL's plan, or (other databases) an index has the order. */
        IN_ORDER,
        /** The database sorts the rows and no index has the order. */
        SORTS,
        /** PostgreSQL's plan sorts although an index has the order: it estimates that cheaper for this read. */
        SORTS_DESPITE_INDEX
    }

    /** PostgreSQL's and most databases' longest identifier (63 bytes); index names are kept within it. */
    private static final int MAX_NAME = 63;

    public SortCheck {
        orderColumns = List.copyOf(orderColumns);
    }

    /**
     * Checks the export query {@code query} of {@code dataset} on a connection of {@code source}, rolled back and
     * given back afterwards (the check only reads).
     *
     * @throws SQLException when no connection is to be had, or the metadata or the EXPLAIN cannot be read
     */
    public static SortCheck check(javax.sql.DataSource source, ExportQuery query, Dataset dataset)
            throws SQLException {
        try (Connection c = source.getConnection()) {
            try {
                return check(c, query, dataset);
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Checks the export query {@code query} of {@code dataset} on {@code c} (PostgreSQL: in the connection's
     * transaction; the caller rolls back).
     *
     * @throws SQLException when the metadata or the EXPLAIN cannot be read
     */
    public static SortCheck check(Connection c, ExportQuery query, Dataset dataset) throws SQLException {
        List<String> order = QueryBuilder.orderColumns(dataset);
        if (order.isEmpty()) {
            return new SortCheck(Verdict.NO_ORDER, order, null, null, null, false);
        }
        DatabaseMetaData md = c.getMetaData();
        SourceDialect dialect = query.dialect();
        // quotes as the export query does: the dialect's, or a generic database's own
        QueryBuilder queries = dialect == SourceDialect.GENERIC
                ? new QueryBuilder(dialect, md.getIdentifierQuoteString()) : new QueryBuilder(dialect);
        boolean view = isView(md, dataset, dialect);
        String index = orderedIndex(md, dataset, order, dialect).orElse(null);
        PgPlan plan = dialect == SourceDialect.POSTGRESQL ? PgPlan.explain(c, query) : null;
        boolean sorts = plan != null ? plan.sorts() : index == null;
        Verdict verdict = !sorts ? Verdict.IN_ORDER : index != null ? Verdict.SORTS_DESPITE_INDEX : Verdict.SORTS;
        String create = verdict == Verdict.SORTS && !view ? createIndex(dataset, order, queries) : null;
        return new SortCheck(verdict, order, index, plan, create, view);
    }

    /** True when the database sorts the rows and a {@code CREATE INDEX} ({@link #createIndex}) would stop that. */
    public boolean needsIndex() {
        return createIndex != null;
    }

    /** The ORDER BY columns as {@code (a, b)}. */
    public String columns() {
        return "(" + String.join(", ", orderColumns) + ")";
    }

    /**
     * One line for {@code plan}: whether the rows are sorted, by what evidence, and what to do, e.g.
     * {@code needed: PostgreSQL plans Incremental Sort > Index Scan using t_xt_batch_id_idx (~1,000,000 rows sorted)
     * for ORDER BY (xt_batch_id, id), and no index starts with these columns}.
     */
    public String summary() {
        String evidence = plan == null ? "" : "PostgreSQL plans " + plan.shape()
                + (plan.sorts() ? String.format(Locale.ROOT, " (~%,d rows sorted)", plan.sortedRows()) : "");
        return switch (verdict) {
            case NO_ORDER -> "none: the query has no ORDER BY (the dataset has neither xt_batch_id nor a primary key)";
            case IN_ORDER -> plan != null ? "none: " + evidence + ", rows already in ORDER BY " + columns()
                    : "none expected: " + indexName() + " starts with the ORDER BY columns " + columns()
                    + " (judged from the indexes; the database's planner decides whether it reads by it)";
            case SORTS -> "needed: " + (plan != null ? evidence + " for ORDER BY " + columns() + ", and no index"
                    : "no index") + " starts with " + (plan != null ? "these columns" : "the ORDER BY columns "
                    + columns()) + (view ? "; the dataset is a view: an index on its table's " + columns()
                    + " can remove the sort" : "");
            case SORTS_DESPITE_INDEX -> "by choice: " + evidence + " although " + indexName()
                    + " starts with the ORDER BY columns " + columns() + ": it estimates the sort cheaper for this "
                    + "read (usual for a few batches, or for a whole table whose rows are not stored in batch "
                    + "order); no index to add";
        };
    }

    private String indexName() {
        return index.equals("primary key") ? "the primary key" : "index " + index;
    }

    /** Whether the dataset is a view (not a materialized view, which takes indexes). */
    private static boolean isView(DatabaseMetaData md, Dataset ds, SourceDialect dialect) throws SQLException {
        Ref ref = Ref.of(ds, dialect);
        try (ResultSet rs = md.getTables(ref.catalog, ref.schema, ds.table(), null)) {
            while (rs.next()) {
                if (ds.table().equals(rs.getString("TABLE_NAME"))) {
                    String type = String.valueOf(rs.getString("TABLE_TYPE")).toUpperCase(Locale.ROOT);
                    return type.equals("VIEW");
                }
            }
        }
        return false;
    }

    /**
     * The name of an index whose leading columns are {@code order}, in order and ascending; {@code "primary key"}
     * when the key is exactly {@code order}. Empty when none has them.
     */
    static Optional<String> orderedIndex(DatabaseMetaData md, Dataset ds, List<String> order, SourceDialect dialect)
            throws SQLException {
        if (same(ds.primaryKey(), order)) {
            return Optional.of("primary key"); // every database reads its key in order (SQLite's rowid has no index)
        }
        Ref ref = Ref.of(ds, dialect);
        Map<String, TreeMap<Integer, String>> indexes = new TreeMap<>();
        List<String> unusable = new ArrayList<>();
        try (ResultSet rs = md.getIndexInfo(ref.catalog, ref.schema, ds.table(), false, true)) {
            while (rs.next()) {
                String name = rs.getString("INDEX_NAME");
                short type = rs.getShort("TYPE");
                if (name == null || type == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                String dir = rs.getString("ASC_OR_DESC");
                String filter = rs.getString("FILTER_CONDITION");
                // pgjdbc leaves ASC_OR_DESC null for access methods that cannot return rows in order (hash, gin)
                boolean orderless = dir == null && dialect == SourceDialect.POSTGRESQL;
                if (type == DatabaseMetaData.tableIndexHashed || "D".equalsIgnoreCase(dir) || orderless
                        || filter != null && !filter.isBlank()) {
                    unusable.add(name);
                }
                indexes.computeIfAbsent(name, k -> new TreeMap<>())
                        .put((int) rs.getShort("ORDINAL_POSITION"), String.valueOf(rs.getString("COLUMN_NAME")));
            }
        }
        return indexes.entrySet().stream().filter(e -> !unusable.contains(e.getKey()))
                .filter(e -> leads(new ArrayList<>(e.getValue().values()), order))
                .map(Map.Entry::getKey).findFirst();
    }

    private static boolean leads(List<String> indexColumns, List<String> order) {
        return indexColumns.size() >= order.size() && same(indexColumns.subList(0, order.size()), order);
    }

    private static boolean same(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsIgnoreCase(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code CREATE INDEX name ON [schema.]table (columns)} with every identifier quoted in the source's dialect;
     * SQLite puts the schema on the index name instead. The name is {@code <table>_<columns>_idx}, shortened with a
     * hash to {@value #MAX_NAME} bytes.
     */
    static String createIndex(Dataset ds, List<String> order, QueryBuilder q) {
        String name = indexName(ds.table(), order);
        String cols = order.stream().map(q::quote).collect(Collectors.joining(", "));
        String schema = ds.schema() == null ? "" : q.quote(ds.schema()) + ".";
        if (q.dialect() == SourceDialect.SQLITE) {
            return "CREATE INDEX " + schema + q.quote(name) + " ON " + q.quote(ds.table()) + " (" + cols + ")";
        }
        return "CREATE INDEX " + q.quote(name) + " ON " + schema + q.quote(ds.table()) + " (" + cols + ")";
    }

    static String indexName(String table, List<String> order) {
        String full = table + "_" + String.join("_", order) + "_idx";
        if (full.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME) {
            return full;
        }
        String hash = String.format("%08x", full.hashCode());
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < full.length(); ) {
            int cp = full.codePointAt(i);
            String next = head + new String(Character.toChars(cp));
            if ((next + "_" + hash).getBytes(StandardCharsets.UTF_8).length > MAX_NAME) {
                break;
            }
            head.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return head + "_" + hash;
    }

    /** Where the metadata finds a dataset: MariaDB's database is a JDBC catalog, elsewhere a schema. */
    private record Ref(String catalog, String schema) {
        static Ref of(Dataset ds, SourceDialect dialect) {
            return dialect.catalogIsSchema() ? new Ref(ds.schema(), null) : new Ref(null, ds.schema());
        }
    }
}
