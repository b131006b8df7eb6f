package io.flowexport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the crash tests' exports back with readers independent of the writers (Jackson's CSV and JSON parsers,
 * DuckDB for Parquet) into {@link Row}s, and fails on anything that is not a whole export: a CSV record without
 * every column or a text that does not end with a line break, a JSON line that does not parse, a Parquet file
 * DuckDB cannot open. The source rows' text is {@link #note}: commas, quotes, line breaks and non-ASCII letters.
 */
final class ExportedRows {

    /** The columns of the crash tests' source table, in table order. */
    static final String DDL = "(id bigint PRIMARY KEY, note text NOT NULL, amount numeric(12,2) NOT NULL, "
            + "xt_record_type text NOT NULL, xt_batch_id bigint NOT NULL)";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    /** One exported row: its key, its batch and its text. */
    record Row(long id, long batch, String note) {
    }

    private ExportedRows() {
    }

    /** The text of source row {@code id}: every format's quoting and encoding is exercised by one of these. */
    static String note(long id) {
        return switch ((int) (id % 5)) {
            case 0 -> "row " + id + ", \"quoted\", and, commas";
            case 1 -> "two lines\nfor " + id + " \"end\"";
            case 2 -> "Zoë Ωμέγα 日本語 ✓ " + id;
            case 3 -> "crlf\r\nand tab\t, backslash \\ " + id;
            default -> "plain " + id;
        };
    }

    /** A CSV export (UTF-8, header, {@code ,}): every record whole. */
    static List<Row> csv(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            throw new IOException("CSV does not end with a line break (cut off?)");
        }
        List<Row> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
            while (it.hasNext()) {
                Map<String, String> r = it.next();
                if (r.size() != 5 || r.get("xt_batch_id") == null || r.get("xt_batch_id").isEmpty()) {
                    throw new IOException("CSV record without every column: " + r);
                }
                rows.add(new Row(Long.parseLong(r.get("id")), Long.parseLong(r.get("xt_batch_id")), r.get("note")));
            }
        }
        return rows;
    }

    /** A JSON Lines export: every line one whole object. */
    static List<Row> jsonLines(byte[] bytes) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IOException("JSON Lines text does not end with a line break (cut off?)");
        }
        List<Row> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (!n.path("id").isIntegralNumber() || !n.path("xt_batch_id").isIntegralNumber()
                    || !n.path("note").isTextual()) {
                throw new IOException("JSON line without id, note or xt_batch_id: " + line);
            }
            rows.add(new Row(n.get("id").asLong(), n.get("xt_batch_id").asLong(), n.get("note").asText()));
        }
        return rows;
    }

    /** A Parquet file, read by DuckDB on {@code duck} (a {@code jdbc:duckdb:} connection). */
    static List<Row> parquet(Connection duck, Path file) throws SQLException {
        List<Row> rows = new ArrayList<>();
        String source = "read_parquet('" + file.toAbsolutePath().toString().replace("'", "''") + "')";
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, xt_batch_id, note FROM " + source)) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        return rows;
    }

    /**
     * The column types of a Parquet file as DuckDB reads them ({@code DESCRIBE}), in file order.
     *
     * @param duck a statement of a DuckDB connection
     * @param file the file's path, with any {@code '} already doubled
     * @return column name to DuckDB type, e.g. {@code amount -> DECIMAL(12,2)}
     */
    static Map<String, String> parquetTypes(Statement duck, String file) throws SQLException {
        Map<String, String> types = new java.util.LinkedHashMap<>();
        try (ResultSet rs = duck.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        }
        return types;
    }
}
