package io.flowexport.dataset;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
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

    /**
     * @param dataSource  the source database
     * @param description how to name the database in errors, e.g. its JDBC URL without credentials
     */
    public JdbcDatasetCatalog(DataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    @Override
    public Optional<Dataset> find(String datasetId) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            int dot = datasetId.indexOf('.');
            String schema = dot > 0 ? datasetId.substring(0, dot) : null;
            String name = dot > 0 ? datasetId.substring(dot + 1) : datasetId;
            Optional<TableRef> ref = schema != null
                    ? findTable(md, schema, name)
                    : findTable(md, c.getSchema(), name).or(() -> findTable(md, null, name));
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            TableRef t = ref.get();
            List<Column> columns = columns(md, t);
            List<String> pk = primaryKey(md, t);
            return Optional.of(new Dataset(datasetId, t.schema, t.table, columns, pk,
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
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", TABLE_TYPES)) {
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
    private static Optional<TableRef> findTable(DatabaseMetaData md, String schema, String name) {
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
    private static List<TableRef> matches(DatabaseMetaData md, String pattern, String schema, String name,
                                          boolean ignoreCase) throws SQLException {
        List<TableRef> found = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, null, pattern, TABLE_TYPES)) {
            while (rs.next()) {
                String tSchema = rs.getString("TABLE_SCHEM");
                String tName = rs.getString("TABLE_NAME");
                boolean schemaOk = schema == null || tSchema != null && tSchema.equalsIgnoreCase(schema);
                boolean nameOk = ignoreCase ? tName.equalsIgnoreCase(name) : tName.equals(name);
                if (schemaOk && nameOk && !isSystemSchema(tSchema)) {
                    found.add(new TableRef(rs.getString("TABLE_CAT"), tSchema, tName));
                }
            }
        }
        return found;
    }

    private static boolean isSystemSchema(String schema) {
        if (schema == null) {
            return false;
        }
        String s = schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.equals("pg_catalog") || s.startsWith("pg_toast");
    }

    private static List<Column> columns(DatabaseMetaData md, TableRef t) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(t.catalog, escape(md, t.schema), escape(md, t.table), "%")) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                int jdbcType = rs.getInt("DATA_TYPE");
                String typeName = rs.getString("TYPE_NAME");
                int size = rs.getInt("COLUMN_SIZE");
                int digits = rs.getInt("DECIMAL_DIGITS");
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                ValueKind kind = kindOf(jdbcType, typeName);
                int precision = kind == ValueKind.DECIMAL ? decimalPrecision(size, typeName) : 0;
                int scale = kind == ValueKind.DECIMAL && precision > 0 ? digits : 0;
                columns.add(new Column(name, kind, typeName == null ? "" : typeName.toLowerCase(Locale.ROOT),
                        precision, scale, nullable));
            }
        }
        return columns;
    }

    /** PostgreSQL reports an unconstrained numeric as precision 131089 (or 0): treat both as unbounded. */
    private static int decimalPrecision(int size, String typeName) {
        return size <= 0 || size > 1000 ? 0 : size;
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

    /**
     * Maps a JDBC type to a {@link ValueKind}. pgjdbc reports {@code timestamptz} as {@link Types#TIMESTAMP},
     * so the type name is checked too.
     */
    static ValueKind kindOf(int jdbcType, String typeName) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (name.equals("timestamptz") || name.contains("with time zone") && name.startsWith("timestamp")) {
            return ValueKind.TIMESTAMP_TZ;
        }
        if (name.equals("timetz") || name.contains("with time zone") && name.startsWith("time")) {
            return ValueKind.STRING; // a time of day with an offset has no exact type in the formats: keep its text
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> ValueKind.INT32;
            case Types.BIGINT -> ValueKind.INT64;
            case Types.NUMERIC, Types.DECIMAL -> ValueKind.DECIMAL;
            case Types.REAL -> ValueKind.FLOAT32;
            case Types.FLOAT, Types.DOUBLE -> ValueKind.FLOAT64;
            case Types.BOOLEAN -> ValueKind.BOOLEAN;
            case Types.BIT -> name.equals("bit") || name.equals("bool") || name.equals("boolean")
                    ? ValueKind.BOOLEAN : ValueKind.STRING;
            case Types.DATE -> ValueKind.DATE;
            case Types.TIME -> ValueKind.TIME;
            case Types.TIMESTAMP -> ValueKind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> ValueKind.TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ValueKind.BINARY;
            default -> ValueKind.STRING;
        };
    }
}
