package io.flowexport.format.parquet;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet files with DuckDB's own reader (an independent implementation of the format). */
final class DuckDb {

    private DuckDb() {
    }

    /** {@code read_parquet('<file>')} with the path quoted for SQL. */
    static String source(Path file) {
        return "read_parquet('" + file.toAbsolutePath().toString().replace("'", "''") + "')";
    }

    /** Rows of {@code sql}, each column as {@code getObject}. */
    static List<List<Object>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(detach(rs.getObject(i)));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** Copies a BLOB out of DuckDB's native memory, which is freed with the result set. */
    private static Object detach(Object value) throws SQLException {
        if (value instanceof java.sql.Blob b) {
            return b.getBytes(1, (int) b.length());
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        return value;
    }

    /** Column name → DuckDB type name, from {@code DESCRIBE}. */
    static Map<String, String> describe(Path file) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (List<Object> row : query("DESCRIBE SELECT * FROM " + source(file))) {
            types.put((String) row.get(0), (String) row.get(1));
        }
        return types;
    }
}
