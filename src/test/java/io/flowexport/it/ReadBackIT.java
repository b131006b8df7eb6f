package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL table with every common type exported to CSV, JSON, JSONL and Parquet through the runner, then
 * read back by readers other than the writers (Jackson CSV, Jackson's tree model, DuckDB) and compared with the
 * source values and types. CSV takes the COPY path; the other formats the binary COPY path here, the JDBC stream in
 * {@link ReadBackJdbcStreamIT}.
 */
class ReadBackIT {

    private static final String TEXT = "Grüße \"quoted\", comma\nnew line 😀 日本";

    @TempDir
    Path tmp;

    Harness h;

    /** Settings added to the runner's: none, so JSON, JSON Lines and Parquet take the binary COPY path. */
    String settings() {
        return "";
    }

    @BeforeEach
    void createTable() throws Exception {
        h = Harness.postgres(tmp, "fe_readback_it");
        Files.writeString(h.config, settings(), java.nio.file.StandardOpenOption.APPEND);
        h.sql("CREATE TABLE typed_rows (id integer PRIMARY KEY, small smallint, big bigint, exact numeric(38,9), "
                        + "loose numeric, r real, d double precision, flag boolean, day date, tod time, "
                        + "local_ts timestamp, instant timestamptz, txt text, code varchar(10), raw bytea)",
                "INSERT INTO typed_rows VALUES (1, -32768, 9223372036854775807, 12345678901234567890.123456789, "
                        + "3.14159265358979323846, 1.5, 0.1, true, '2026-01-31', '10:15:30', "
                        + "'2026-01-31 10:15:30.123456', '2026-01-31 10:15:30+02', "
                        + "E'Grüße \"quoted\", comma\\nnew line 😀 日本', 'A', '\\x00ff10')",
                "INSERT INTO typed_rows (id) VALUES (2)",
                "INSERT INTO typed_rows VALUES (3, 0, -1, -0.000000001, -100, -2.25, 1e300, false, '1970-01-01', "
                        + "'00:00:00', '1900-01-01 00:00:00', '2038-01-19 03:14:08+00', '', '', '\\x')");
        for (String fmt : List.of("csv", "json", "jsonl", "parquet")) {
            h.flow(fmt, "id = \"typed_" + fmt + "\"\n[properties.export]\nsource_dataset_id = \"typed_rows\"\n"
                    + "file_path = \"typed." + fmt + "\"\n");
        }
        h.cli("run-once", "--all").ok();
    }

    @Test
    void csvReadBackByJacksonCsvHoldsTheSourceValues() throws Exception {
        List<Map<String, String>> rows = h.csv("typed.csv");
        assertThat(rows).hasSize(3);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "1");
        expected.put("small", "-32768");
        expected.put("big", "9223372036854775807");
        expected.put("exact", "12345678901234567890.123456789");
        expected.put("loose", "3.14159265358979323846");
        expected.put("r", "1.5");
        expected.put("d", "0.1");
        expected.put("flag", "true");
        expected.put("day", "2026-01-31");
        expected.put("tod", "10:15:30");
        expected.put("local_ts", "2026-01-31T10:15:30.123456");
        expected.put("instant", "2026-01-31T08:15:30Z");
        expected.put("txt", TEXT);
        expected.put("code", "A");
        expected.put("raw", "AP8Q");
        assertThat(rows.get(0)).containsExactlyEntriesOf(expected);
        assertThat(rows.get(1).values()).containsOnly("2", "");
        assertThat(rows.get(2)).containsEntry("exact", "-0.000000001").containsEntry("instant", "2038-01-19T03:14:08Z");

        String raw = Files.readString(h.exportDir.resolve("typed.csv"), StandardCharsets.UTF_8);
        List<String> lines = raw.lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", expected.keySet()));
        assertThat(raw).contains("\n2,,,,,,,,,,,,,,\n");
        assertThat(raw).as("an empty string is quoted, NULL is not").contains(",\"\",\"\",");
    }

    @Test
    void jsonAndJsonLinesReadBackByJacksonTreeKeepTypes() throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode array = mapper.readTree(h.exportDir.resolve("typed.json").toFile());
        assertThat(array.isArray()).isTrue();
        List<JsonNode> lines = Files.readAllLines(h.exportDir.resolve("typed.jsonl")).stream()
                .map(l -> {
                    try {
                        return mapper.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        assertThat(lines).hasSize(3);
        for (JsonNode row : List.of(array.get(0), lines.get(0))) {
            assertThat(row.get("id").isInt()).isTrue();
            assertThat(row.get("big").asLong()).isEqualTo(Long.MAX_VALUE);
            assertThat(row.get("big").isIntegralNumber()).isTrue();
            assertThat(row.get("exact").decimalValue()).isEqualByComparingTo("12345678901234567890.123456789");
            assertThat(row.get("exact").isNumber()).isTrue();
            assertThat(row.get("loose").decimalValue()).isEqualByComparingTo("3.14159265358979323846");
            assertThat(row.get("d").decimalValue()).isEqualByComparingTo("0.1");
            assertThat(row.get("flag").isBoolean()).isTrue();
            assertThat(row.get("day").asText()).isEqualTo("2026-01-31");
            assertThat(OffsetDateTime.parse(row.get("instant").asText()).toInstant())
                    .isEqualTo(OffsetDateTime.parse("2026-01-31T10:15:30+02:00").toInstant());
            assertThat(row.get("local_ts").asText()).isEqualTo("2026-01-31T10:15:30.123456");
            assertThat(row.get("txt").asText()).isEqualTo(TEXT);
        }
        for (JsonNode row : List.of(array.get(1), lines.get(1))) {
            assertThat(row.get("txt").isNull()).isTrue();
            assertThat(row.get("exact").isNull()).isTrue();
        }
        assertThat(lines.get(2).get("txt").asText()).isEmpty();
        assertThat(lines.get(2).get("txt").isNull()).isFalse();
    }

    @Test
    void parquetReadBackByDuckDbKeepsTypesAndValues() throws Exception {
        String file = h.exportDir.resolve("typed.parquet").toAbsolutePath().toString().replace("'", "''");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement()) {
            Map<String, String> types = ExportedRows.parquetTypes(s, file);
            assertThat(types).containsEntry("id", "INTEGER").containsEntry("big", "BIGINT")
                    .containsEntry("exact", "DECIMAL(38,9)").containsEntry("r", "FLOAT")
                    .containsEntry("d", "DOUBLE").containsEntry("flag", "BOOLEAN").containsEntry("day", "DATE")
                    .containsEntry("local_ts", "TIMESTAMP").containsEntry("instant", "TIMESTAMP WITH TIME ZONE")
                    .containsEntry("txt", "VARCHAR").containsEntry("raw", "BLOB");
            try (ResultSet rs = s.executeQuery("SELECT id, big, exact, loose, d, flag, day, local_ts, "
                    + "epoch_us(instant) AS instant_us, txt, hex(raw) AS raw_hex FROM read_parquet('" + file + "') ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("id")).isEqualTo(1);
                assertThat(rs.getLong("big")).isEqualTo(Long.MAX_VALUE);
                assertThat(rs.getBigDecimal("exact")).isEqualByComparingTo(new BigDecimal("12345678901234567890.123456789"));
                assertThat(new BigDecimal(rs.getString("loose"))).isEqualByComparingTo("3.14159265358979323846");
                assertThat(rs.getDouble("d")).isEqualTo(0.1);
                assertThat(rs.getBoolean("flag")).isTrue();
                assertThat(rs.getObject("day", LocalDate.class)).isEqualTo(LocalDate.of(2026, 1, 31));
                assertThat(rs.getObject("local_ts", LocalDateTime.class))
                        .isEqualTo(LocalDateTime.parse("2026-01-31T10:15:30.123456"));
                assertThat(rs.getLong("instant_us")).isEqualTo(
                        OffsetDateTime.parse("2026-01-31T10:15:30+02:00").toInstant().toEpochMilli() * 1000);
                assertThat(rs.getString("txt")).isEqualTo(TEXT);
                assertThat(rs.getString("raw_hex")).isEqualTo("00FF10");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("exact")).isNull();
                assertThat(rs.getObject("txt")).isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("txt")).isEmpty();
                assertThat(rs.getBigDecimal("exact")).isEqualByComparingTo("-0.000000001");
            }
        }
    }
}
