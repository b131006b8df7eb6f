package io.flowexport.validate;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.DatasetCatalogException;
import io.flowexport.dataset.ValueKind;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A small {@link DatasetCatalog} over JDBC metadata, for tests against an in-memory H2 database only. */
final class H2TestCatalog implements DatasetCatalog {
    private final Connection connection;

    H2TestCatalog(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<Dataset> find(String datasetId) {
        try {
            int dot = datasetId.indexOf('.');
            String schema = dot > 0 ? datasetId.substring(0, dot) : connection.getSchema();
            String name = dot > 0 ? datasetId.substring(dot + 1) : datasetId;
            for (String table : tables(schema)) {
                if (table.equalsIgnoreCase(name)) {
                    List<Column> columns = columns(schema, table);
                    return Optional.of(new Dataset(datasetId, schema, table, columns, List.of(),
                            Dataset.detectKind(table, columns)));
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new DatasetCatalogException("cannot read H2 metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> datasetIds() {
        try {
            return tables(connection.getSchema()).stream().sorted().toList();
        } catch (SQLException e) {
            throw new DatasetCatalogException("cannot read H2 metadata: " + e.getMessage(), e);
        }
    }

    private List<String> tables(String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getTables(null, schema, "%", new String[] {"TABLE", "VIEW"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }

    private List<Column> columns(String schema, String table) throws SQLException {
        List<Column> out = new ArrayList<>();
        try (ResultSet rs = connection.getMetaData().getColumns(null, schema, table, "%")) {
            while (rs.next()) {
                int type = rs.getInt("DATA_TYPE");
                out.add(new Column(rs.getString("COLUMN_NAME"), kind(type), rs.getString("TYPE_NAME"),
                        rs.getInt("COLUMN_SIZE"), rs.getInt("DECIMAL_DIGITS"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
            }
        }
        return out;
    }

    private static ValueKind kind(int sqlType) {
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> ValueKind.INT32;
            case Types.BIGINT -> ValueKind.INT64;
            case Types.NUMERIC, Types.DECIMAL -> ValueKind.DECIMAL;
            case Types.REAL -> ValueKind.FLOAT32;
            case Types.FLOAT, Types.DOUBLE -> ValueKind.FLOAT64;
            case Types.BOOLEAN, Types.BIT -> ValueKind.BOOLEAN;
            case Types.DATE -> ValueKind.DATE;
            case Types.TIME -> ValueKind.TIME;
            case Types.TIMESTAMP -> ValueKind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> ValueKind.TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ValueKind.BINARY;
            default -> ValueKind.STRING;
        };
    }
}
