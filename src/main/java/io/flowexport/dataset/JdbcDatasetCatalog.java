package io.flowexport.dataset;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A {@link DatasetCatalog} read from the source database's {@link DatabaseMetaData}: tables and views, their
 * columns with type, precision and scale, and their primary keys.
 */
public final class JdbcDatasetCatalog implements DatasetCatalog {

    private static final String[] TABLE_TYPES = {"TABLE", "VIEW", "BASE TABLE", "MATERIALIZED VIEW"};

    private final DataSource dataSource;
    private final String description;
    private final SourceDialect dialect;

    /**
     * A catalog of a database known by its dialect only from its metadata ({@link SourceDialect#GENERIC}).
     *
     * @param dataSource  the source database
     * @param description how to name the database in errors, e.g. its JDBC URL without credentials
     */
    public JdbcDatasetCatalog(DataSource dataSource, String description) {
        this(dataSource, description, SourceDialect.GENERIC);
    }

    /**
     * @param dataSource  the source database
     * @param description how to name the database in errors, e.g. its JDBC URL without credentials
     * @param dialect     the database's dialect: its type mapping and system schemas
     */
    public JdbcDatasetCatalog(DataSource dataSource, String description, SourceDialect dialect) {
        this.dataSource = dataSource;
        this.description = description;
        this.dialect = dialect;
    }

    @Override
    public Optional<Dataset> find(String datasetId) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            int dot = datasetId.indexOf('.');
            String schema = dot > 0 ? datasetId.substring(0, dot) : null;
            String name = dot > 0 ? datasetId.substring(dot + 1) : datasetId;
            String current = dialect.catalogIsSchema() ? c.getCatalog() : c.getSchema();
            Optional<TableRef> ref = schema != null
                    ? findTable(md, schema, name)
                    : findTable(md, current, name).or(() -> findTable(md, null, name));
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            TableRef t = ref.get();
            List<Column> columns = columns(md, t);
            List<String> pk = primaryKey(md, t);
            String qualifier = t.schema != null ? t.schema : dialect.catalogIsSchema() ? t.catalog : null;
            return Optional.of(new Dataset(datasetId, qualifier, t.table, columns, pk,
                    Dataset.detectKind(t.table, columns)));
        } catch (SQLException e) {
            throw new DatasetCatalogException("cannot read dataset '" + datasetId + "' from the source database "
                    + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> datasetIds() {
        try (Connection c = dataSource.getConnection()) {
            TreeSet<String> ids = new TreeSet<>();
            boolean byCatalog = dialect.catalogIsSchema();
            try (ResultSet rs = c.getMetaData().getTables(byCatalog ? c.getCatalog() : null,
                    byCatalog ? null : c.getSchema(), "%", TABLE_TYPES)) {
                while (rs.next()) {
                    ids.add(rs.getString("TABLE_NAME"));
                }
            }
            return List.copyOf(ids);
        } catch (SQLException e) {
            throw new DatasetCatalogException("cannot list the datasets of the source database " + description
                    + ": " + e.getMessage(), e);
        }
    }

    private record TableRef(String catalog, String schema, String table) {
    }

    /**
     * Finds a table by exact name first, then ignoring case; in {@code schema} when given, else in any schema
     * where the match is unique. The exact name is asked of the database by pattern, so the usual lookup does not
     * list every table; only a name that matches nothing exactly falls back to scanning the list.
     */
    private Optional<TableRef> findTable(DatabaseMetaData md, String schema, String name) {
        try {
            List<TableRef> exact = matches(md, escape(md, name), schema, name, false);
            if (exact.size() == 1) {
                return Optional.of(exact.get(0));
            }
            if (!exact.isEmpty()) {
                return Optional.empty();
            }
            List<TableRef> folded = matches(md, "%", schema, name, true);
            return folded.size() == 1 ? Optional.of(folded.get(0)) : Optional.empty();
        } catch (SQLException e) {
            throw new DatasetCatalogException("cannot look up dataset '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Tables and views whose name equals {@code name} (ignoring case when asked), outside system schemas. */
    private List<TableRef> matches(DatabaseMetaData md, String pattern, String schema, String name,
                                          boolean ignoreCase) throws SQLException {
        List<TableRef> found = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, null, pattern, TABLE_TYPES)) {
            while (rs.next()) {
                String tSchema = rs.getString("TABLE_SCHEM");
                String tName = rs.getString("TABLE_NAME");
                String container = tSchema == null && dialect.catalogIsSchema() ? rs.getString("TABLE_CAT") : tSchema;
                boolean schemaOk = schema == null || container != null && container.equalsIgnoreCase(schema);
                boolean nameOk = ignoreCase ? tName.equalsIgnoreCase(name) : tName.equals(name);
                if (schemaOk && nameOk && !dialect.isSystem(container)) {
                    found.add(new TableRef(rs.getString("TABLE_CAT"), tSchema, tName));
                }
            }
        }
        return found;
    }

    private List<Column> columns(DatabaseMetaData md, TableRef t) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(t.catalog, escape(md, t.schema), escape(md, t.table), "%")) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                int jdbcType = rs.getInt("DATA_TYPE");
                String typeName = rs.getString("TYPE_NAME");
                int size = rs.getInt("COLUMN_SIZE");
                int digits = rs.getInt("DECIMAL_DIGITS");
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                SourceDialect.Typing typing = dialect.typingOf(jdbcType, typeName, size, digits);
                columns.add(new Column(name, typing.kind(), typeName == null ? "" : typeName.toLowerCase(Locale.ROOT),
                        typing.precision(), typing.scale(), nullable));
            }
        }
        return columns;
    }

    private static String escape(DatabaseMetaData md, String pattern) throws SQLException {
        if (pattern == null) {
            return null;
        }
        String esc = md.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) {
            return pattern;
        }
        return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }

    private static List<String> primaryKey(DatabaseMetaData md, TableRef t) throws SQLException {
        TreeMap<Short, String> keys = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(t.catalog, t.schema, t.table)) {
            while (rs.next()) {
                keys.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(keys.values());
    }
}
