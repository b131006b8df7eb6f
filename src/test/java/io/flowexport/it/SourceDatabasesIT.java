package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled source databases besides PostgreSQL and H2 (MariaDB, SQLite, DuckDB): a table of the common types
 * in each database's own DDL, exported to CSV, JSON, JSON Lines and Parquet through the command line, read back
 * by readers other than the writers (Jackson CSV, Jackson's tree model, DuckDB's Parquet reader) and compared
 * with the source values: decimals exact at their scale, dates, timestamps with and without zone, booleans, text
 * and bytes. The export modes on these databases are {@link ExportModesIT}'s; streaming is
 * {@link SourceDatabasesLargeIT}'s.
 */
class SourceDatabasesIT {

    private static final String TEXT = "Grüße \"quoted\", comma\nnew line 😀 日本";
    /** The source's instant 2026-01-31 10:15:30+02:00 as the formats print it (UTC). */
    private static final String INSTANT = "2026-01-31T08:15:30Z";

    @TempDir
    Path tmp;

    /** Creates {@code typed_rows} in the database's own types and exports it in every format. */
    private Harness exported(String db) throws Exception {
        Harness h = Harness.on(db, tmp, "fe_types_it");
        String insertText = "'" + TEXT.replace("'", "''") + "'";
        switch (db) {
            case "mariadb" -> h.sql("SET time_zone = '+02:00'",
                    "CREATE TABLE typed_rows (id INT PRIMARY KEY, small SMALLINT, big BIGINT, amount DECIMAL(12,2), "
                            + "exact DECIMAL(38,9), flag BOOLEAN, day DATE, tod TIME, local_ts DATETIME(6), "
                            + "instant TIMESTAMP(6) NULL, txt TEXT, d DOUBLE, raw VARBINARY(10))",
                    "INSERT INTO typed_rows VALUES (1, -32768, 9223372036854775807, 20.00, "
                            + "12345678901234567890.123456789, TRUE, '2026-01-31', '10:15:30', "
                            + "'2026-01-31 10:15:30.123456', '2026-01-31 10:15:30', " + insertText + ", 0.1, "
                            + "x'00ff10')",
                    "INSERT INTO typed_rows (id) VALUES (2)");
            case "sqlite" -> h.sql(
                    "CREATE TABLE typed_rows (id INTEGER PRIMARY KEY, small SMALLINT, big BIGINT, "
                            + "amount DECIMAL(12,2), exact DECIMAL(18,9), flag BOOLEAN, day DATE, tod TIME, "
                            + "local_ts TIMESTAMP, instant TIMESTAMP WITH TIME ZONE, txt TEXT, d DOUBLE, raw BLOB)",
                    "INSERT INTO typed_rows VALUES (1, -32768, 9223372036854775807, 20.00, 123456.123456789, 1, "
                            + "'2026-01-31', '10:15:30', '2026-01-31 10:15:30.123456', '2026-01-31 10:15:30+02:00', "
                            + insertText + ", 0.1, x'00ff10')",
                    "INSERT INTO typed_rows (id) VALUES (2)");
            case "duckdb" -> h.sql(
                    "CREATE TABLE typed_rows (id INTEGER PRIMARY KEY, small SMALLINT, big BIGINT, "
                            + "amount DECIMAL(12,2), exact DECIMAL(38,9), flag BOOLEAN, day DATE, tod TIME, "
                            + "local_ts TIMESTAMP, instant TIMESTAMPTZ, txt VARCHAR, d DOUBLE, raw BLOB)",
                    "INSERT INTO typed_rows VALUES (1, -32768, 9223372036854775807, 20.00, "
                            + "12345678901234567890.123456789, true, '2026-01-31', '10:15:30', "
                            + "'2026-01-31 10:15:30.123456', '2026-01-31 10:15:30+02:00', " + insertText + ", 0.1, "
                            + "'\\x00\\xFF\\x10'::BLOB)",
                    "INSERT INTO typed_rows (id) VALUES (2)");
            default -> throw new IllegalArgumentException(db);
        }
        for (String fmt : List.of("csv", "json", "jsonl", "parquet")) {
            h.flow(fmt, "id = \"typed_" + fmt + "\"\n[properties.export]\nsource_dataset_id = \"typed_rows\"\n"
                    + "file_path = \"typed." + fmt + "\"\n");
        }
        h.cli("run-once", "--all").ok();
        return h;
    }

    private static String exact(String db) {
        return db.equals("sqlite") ? "123456.123456789" : "12345678901234567890.123456789";
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "sqlite", "duckdb"})
    void csvHoldsTheSourceValues(String db) throws Exception {
        Harness h = exported(db);
        List<Map<String, String>> rows = h.csv("typed.csv");
        assertThat(rows).hasSize(2);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "1");
        expected.put("small", "-32768");
        expected.put("big", "9223372036854775807");
        expected.put("amount", "20.00");
        expected.put("exact", exact(db));
        expected.put("flag", "true");
        expected.put("day", "2026-01-31");
        expected.put("tod", "10:15:30");
        expected.put("local_ts", "2026-01-31T10:15:30.123456");
        expected.put("instant", INSTANT);
        expected.put("txt", TEXT);
        expected.put("d", "0.1");
        expected.put("raw", "AP8Q");
        assertThat(rows.get(0)).containsExactlyEntriesOf(expected);
        assertThat(rows.get(1).values()).containsOnly("2", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "sqlite", "duckdb"})
    void jsonAndJsonLinesKeepTypes(String db) throws Exception {
        Harness h = exported(db);
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode array = mapper.readTree(h.exportDir.resolve("typed.json").toFile());
        List<String> jsonl = Files.readAllLines(h.exportDir.resolve("typed.jsonl"));
        assertThat(jsonl).hasSize(2);
        assertThat(jsonl.get(0)).as("written at the column's scale").contains("\"amount\":20.00,");
        for (JsonNode row : List.of(array.get(0), mapper.readTree(jsonl.get(0)))) {
            assertThat(row.get("id").isIntegralNumber()).isTrue();
            assertThat(row.get("big").asLong()).isEqualTo(Long.MAX_VALUE);
            assertThat(row.get("amount").isNumber()).isTrue();
            assertThat(row.get("amount").decimalValue()).isEqualByComparingTo("20.00");
            assertThat(row.get("exact").decimalValue()).isEqualTo(new BigDecimal(exact(db)));
            assertThat(row.get("flag").isBoolean()).isTrue();
            assertThat(row.get("flag").asBoolean()).isTrue();
            assertThat(row.get("day").asText()).isEqualTo("2026-01-31");
            assertThat(row.get("local_ts").asText()).isEqualTo("2026-01-31T10:15:30.123456");
            assertThat(OffsetDateTime.parse(row.get("instant").asText()).toInstant())
                    .isEqualTo(OffsetDateTime.parse("2026-01-31T10:15:30+02:00").toInstant());
            assertThat(row.get("txt").asText()).isEqualTo(TEXT);
            assertThat(row.get("d").decimalValue()).isEqualByComparingTo("0.1");
        }
        for (JsonNode row : List.of(array.get(1), mapper.readTree(jsonl.get(1)))) {
            assertThat(row.get("txt").isNull()).isTrue();
            assertThat(row.get("amount").isNull()).isTrue();
            assertThat(row.get("instant").isNull()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "sqlite", "duckdb"})
    void parquetReadByDuckDbKeepsTypesAndValues(String db) throws Exception {
        Harness h = exported(db);
        String file = h.exportDir.resolve("typed.parquet").toAbsolutePath().toString().replace("'", "''");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement()) {
            Map<String, String> types = ExportedRows.parquetTypes(s, file);
            assertThat(types).containsEntry("big", "BIGINT").containsEntry("amount", "DECIMAL(12,2)")
                    .containsEntry("exact", db.equals("sqlite") ? "DECIMAL(18,9)" : "DECIMAL(38,9)")
                    .containsEntry("flag", "BOOLEAN").containsEntry("day", "DATE")
                    .containsEntry("local_ts", "TIMESTAMP").containsEntry("instant", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("txt", "VARCHAR").containsEntry("d", "DOUBLE").containsEntry("raw", "BLOB");
            try (ResultSet rs = s.executeQuery("SELECT id, big, amount, exact, flag, day, local_ts, "
                    + "epoch_us(instant) AS instant_us, txt, hex(raw) AS raw_hex FROM read_parquet('" + file
                    + "') ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("big")).isEqualTo(Long.MAX_VALUE);
                assertThat(rs.getBigDecimal("amount")).isEqualTo(new BigDecimal("20.00"));
                assertThat(rs.getBigDecimal("exact")).isEqualTo(new BigDecimal(exact(db)));
                assertThat(rs.getBoolean("flag")).isTrue();
                assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2026, 1, 31));
                assertThat(rs.getObject("local_ts", LocalDateTime.class))
                        .isEqualTo(LocalDateTime.parse("2026-01-31T10:15:30.123456"));
                assertThat(rs.getLong("instant_us")).isEqualTo(
                        OffsetDateTime.parse(INSTANT).toInstant().toEpochMilli() * 1000);
                assertThat(rs.getString("txt")).isEqualTo(TEXT);
                assertThat(rs.getString("raw_hex")).isEqualTo("00FF10");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("amount")).isNull();
                assertThat(rs.getObject("instant_us")).isNull();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aMariaDbDatasetIdWithADatabaseNameReadsThatDatabase() throws Exception {
        Harness h = Harness.mariadb(tmp, "fe_types_it");
        h.sql("DROP DATABASE IF EXISTS fe_types_other", "CREATE DATABASE fe_types_other",
                "CREATE TABLE fe_types_other.items (id INT PRIMARY KEY, name VARCHAR(10))",
                "INSERT INTO fe_types_other.items VALUES (1, 'other')",
                "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(10))",
                "INSERT INTO items VALUES (1, 'own'), (2, 'own')");
        h.flow("own", "id = \"own\"\n[properties.export]\nsource_dataset_id = \"items\"\nfile_path = \"own.csv\"\n");
        h.flow("other", "id = \"other\"\n[properties.export]\nsource_dataset_id = \"fe_types_other.items\"\n"
                + "file_path = \"other.csv\"\n");
        h.cli("run-once", "--all").ok();
        assertThat(h.csvColumn("own.csv", "name")).containsExactly("own", "own");
        assertThat(h.csvColumn("other.csv", "name")).containsExactly("other");
    }

    @org.junit.jupiter.api.Test
    void aSqliteDateThatIsNotIsoTextFailsTheRunNamingTheColumn() throws Exception {
        Harness h = Harness.sqlite(tmp);
        h.sql("CREATE TABLE events (id INTEGER PRIMARY KEY, day DATE)",
                "INSERT INTO events VALUES (1, '2026-01-31'), (2, 1769817600)");
        h.flow("events", "id = \"events\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "file_path = \"events.csv\"\n");
        Harness.Outcome failed = h.cli("run-once", "events");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("events", "failed", "column 'day' holds '1769817600'",
                "not an ISO-8601 date (2026-01-31)");
        assertThat(h.files()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "sqlite", "duckdb"})
    void validateChecksDatasetsColumnsAndTheBatchColumnAgainstTheDatabase(String db) throws Exception {
        Harness h = Harness.on(db, tmp, "fe_types_it");
        h.sql("CREATE TABLE change_feed_orders (order_id INTEGER NOT NULL, total DECIMAL(12,2), "
                        + "xt_record_type VARCHAR(16) NOT NULL, xt_batch_id BIGINT NOT NULL, "
                        + "PRIMARY KEY (xt_batch_id, order_id))",
                "CREATE TABLE lookup (code VARCHAR(8) PRIMARY KEY)");
        h.flow("typo", "id = \"typo\"\n[properties.export]\nsource_dataset_id = \"change_feed_order\"\n"
                + "file_path = \"o.csv\"\n");
        h.flow("column", "id = \"column\"\n[properties.export]\nsource_dataset_id = \"CHANGE_FEED_ORDERS\"\n"
                + "file_path = \"o.csv\"\nexporter_config = { columns = [\"order_id\", \"totl\"] }\n");
        h.flow("nobatch", "id = \"nobatch\"\n[properties.export]\nsource_dataset_id = \"lookup\"\n"
                + "file_path = \"l.csv\"\nexport_mode = \"incremental\"\n");
        h.flow("good", "id = \"good\"\n[properties.export]\nsource_dataset_id = \"change_feed_orders\"\n"
                + "file_path = \"g_{batch_id}.csv\"\nexport_mode = \"incremental\"\n");
        Harness.Outcome v = h.cli("validate");
        String all = v.out() + v.err();
        assertThat(v.code()).as(all).isEqualTo(1);
        assertThat(all).contains("unknown dataset 'change_feed_order'", "change_feed_orders")
                .contains("totl", "total")
                .contains("needs an xt_batch_id column, which dataset 'lookup' does not have")
                .doesNotContain("good.toml");
    }
}
