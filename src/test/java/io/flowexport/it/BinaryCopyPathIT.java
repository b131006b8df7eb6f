package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.cli.FlowExportCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL's binary COPY path (rows decoded from {@code COPY ... TO STDOUT (FORMAT binary)}) against the text path
 * (the JDBC stream, {@code flowexport.source.copy-binary=false}): for every column type PostgreSQL can hold, the
 * same flow writes the same file by both. JSON, JSON Lines and CSV (UTF-16, off the CSV COPY path) are compared
 * byte for byte; Parquet by DuckDB's reading of schema and rows, since parquet-hadoop's footer lists a column's
 * encodings in hash order, which differs from one JVM to the next whatever the path.
 */
class BinaryCopyPathIT {

    /** Every type the binary path decodes, with the edges of each. */
    private static final String BINARY_TYPES = "CREATE TABLE binary_types (id integer PRIMARY KEY, "
            + "i2 smallint, i4 integer, i8 bigint, s4 serial, n numeric, n12 numeric(12,2), n38 numeric(38,9), "
            + "f4 real, f8 double precision, b boolean, d date, t time, ts timestamp, tstz timestamptz, "
            + "txt text, vc varchar(20), ch char(5), nm name, ci public.citext, js json, jsb jsonb, u uuid, "
            + "raw bytea, xt_batch_id integer NOT NULL)";

    private static final List<String> BINARY_ROWS = List.of(
            "(1, -32768, -2147483648, -9223372036854775808, 1, 0, 0, 0, 0, 0, false, '0001-01-01', '00:00', "
                    + "'0001-01-01 00:00', '0001-01-01 00:00+00', '', '', '', '', '', '{}', '{}', "
                    + "'00000000-0000-0000-0000-000000000000', '\\x', 1)",
            "(2, 32767, 2147483647, 9223372036854775807, 2, 123456789012345678901234567890.123456789012345, "
                    + "9999999999.99, 12345678901234567890123456789.123456789, 3.4028235e38, 1.7976931348623157e308, "
                    + "true, '9999-12-31', '23:59:59.999999', '294276-12-31 23:59:59.999999', "
                    + "'294276-12-31 23:59:59.999999+00', E'Grüße \"quoted\", comma\\nnew line 😀 日本\\ttab', "
                    + "'varying', 'abc', 'a_name', 'MiXeD', '{\"a\" : [1, 2.50, null],  \"b\": \"x\"}', "
                    + "'{\"b\": \"x\", \"a\": [1, 2.50, null]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                    + "'\\x00ff10', 1)",
            "(3, NULL, NULL, NULL, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "NULL, NULL, NULL, NULL, NULL, NULL, 2)",
            "(4, -1, -1, -1, 4, -0.000000000000000000001, -0.01, -0.000000001, 'NaN', 'NaN', false, "
                    + "'0044-03-15 BC', '12:34:56.5', '0044-03-15 12:00:00.5 BC', '1999-12-31 23:59:59.999999-08', "
                    + "' leading and trailing ', 'x', 'ab', 'x', 'x', '\"just a string\"', '[]', "
                    + "'ffffffff-ffff-ffff-ffff-ffffffffffff', decode(repeat('0123456789abcdef', 64), 'hex'), 2)",
            "(5, 1, 1, 1, 5, 10000, 100.5, 1e28, 'Infinity', '-Infinity', true, '2000-01-01', '00:00:00.000001', "
                    + "'1999-12-31 23:59:59.999999', '2000-01-01 00:00:00+14', 'ascii', 'v', 'abcde', 'n', 'c', "
                    + "'null', 'null', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\xdeadbeef', 3)",
            "(6, 0, 0, 0, 6, 1.5, 0.10, 0.000000001, -0.0, -0.0, false, '1970-01-01', '12:00', "
                    + "'1970-01-01 00:00:00', '1970-01-01 00:00:00.123456-03:30', '\\.', '', ' ', 'n', 'c', "
                    + "'1', '1.0', '00000000-0000-0000-0000-000000000001', '\\x00', 3)",
            "(7, 2, 2, 2, 7, 99999999999999999999.99999999999999999999, 1, 1, 1.4e-45, 4.9e-324, true, "
                    + "'4713-01-01 BC', '01:02:03', '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC', "
                    + "repeat('long ', 2000), 'v', 'v', 'n', 'c', '[1,2,3]', '{\"k\": {\"nested\": true}}', "
                    + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x', 4)");

    /** Types the binary path leaves to the JDBC stream: the export reads its rows that way. */
    private static final String OTHER_TYPES = "CREATE TABLE other_types (id integer PRIMARY KEY, span interval, "
            + "addr inet, net cidr, tz timetz, cash money, ints integer[], mood fe_binary_mood, x xml, "
            + "dom fe_binary_positive, bits bit varying(8), pt point, xt_batch_id bigint NOT NULL)";

    @TempDir
    Path tmp;

    Harness h;
    Path textPath;

    @BeforeEach
    void createTables() throws Exception {
        h = Harness.postgres(tmp, "fe_binary_it");
        h.sql("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public",
                "CREATE TYPE fe_binary_mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN fe_binary_positive AS integer CHECK (VALUE > 0)",
                BINARY_TYPES, "INSERT INTO binary_types VALUES " + String.join(", ", BINARY_ROWS),
                OTHER_TYPES, "INSERT INTO other_types VALUES (1, '1 year 2 mons 3 days 04:05:06.7', "
                        + "'192.168.1.5', '10.0.0.0/8', '10:15:30+02', 12.34, '{1,NULL,3}', 'happy', '<a>x</a>', 7, "
                        + "B'101', '(1,2)', 1), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                        + "NULL, 2)");
        Path out = Files.createDirectories(tmp.resolve("out-text"));
        textPath = Files.writeString(tmp.resolve("text-path.properties"), Files.readString(h.config)
                + "flowexport.source.copy-binary=false\nflowexport.export.dir=" + out.toAbsolutePath() + "\n"
                + "flowexport.state.url=jdbc:h2:file:" + tmp.resolve("state-text").toAbsolutePath() + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jsonl", "json", "csv", "parquet"})
    void everyTypeTheBinaryPathReadsGivesTheTextPathsFile(String format) throws Exception {
        if (format.equals("parquet")) { // Parquet's microseconds since 1970 end in year 294247; PostgreSQL's later
            h.sql("UPDATE binary_types SET ts = '200000-12-31 23:59:59.999999', "
                    + "tstz = '200000-12-31 23:59:59.999999+00' WHERE id = 2");
        }
        String extra = format.equals("csv") ? "exporter_config = { encoding = \"utf-16\" }\n"
                : format.equals("parquet") ? "exporter_config = { compression = \"snappy\" }\n" : "";
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"binary_types\"\n"
                + "file_path = \"binary_types." + format + "\"\nexport_mode = \"full\"\n" + extra);

        String writer = (format.equals("jsonl") ? "json" : format) + " writer";
        assertThat(plan(h.config)).contains("export path: PostgreSQL COPY ... TO STDOUT (FORMAT binary) + " + writer)
                .contains("copy:        COPY (SELECT ");
        assertThat(plan(textPath)).contains("export path: generic (JDBC stream + " + writer
                + "): flowexport.source.copy-binary=false");
        assertThat(run(h.config)).contains("rows=7");
        assertThat(run(textPath)).contains("rows=7");

        sameFile(format, "binary_types." + format);
    }

    @Test
    void aBatchColumnReadOnlyForTrackingIsReadByBothPaths() throws Exception {
        // exporter_config.columns leaves xt_batch_id (an integer here) out: it is selected after the output columns
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"binary_types\"\n"
                + "file_path = \"tracked.jsonl\"\nexport_mode = \"changes_only\"\n"
                + "exporter_config = { columns = [\"id\", \"n\", \"tstz\"] }\n");
        assertThat(plan(h.config)).contains("CAST(\"xt_batch_id\" AS bigint)");
        assertThat(run(h.config)).contains("rows=7").contains("batches=1..4");
        assertThat(run(textPath)).contains("rows=7").contains("batches=1..4");
        sameFile("jsonl", "tracked.jsonl");
    }

    @Test
    void typesWithoutABinaryDecodingTakeTheJdbcStream() throws Exception {
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"other_types\"\n"
                + "file_path = \"other_types.jsonl\"\nexport_mode = \"full\"\n");
        assertThat(plan(h.config)).contains("export path: generic (JDBC stream + json writer): column 'span' of "
                + "type interval has no binary COPY decoding");
        assertThat(run(h.config)).contains("rows=2");
        assertThat(run(textPath)).contains("rows=2");
        sameFile("jsonl", "other_types.jsonl");
        assertThat(Files.readString(h.exportDir.resolve("other_types.jsonl")))
                .contains("\"span\":\"1 year 2 mons 3 days 04:05:06.7\"").contains("\"mood\":\"happy\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"numeric 'NaN'", "numeric 'Infinity'", "time '24:00:00'", "date 'infinity'",
            "date '-infinity'", "timestamp 'infinity'", "timestamp '-infinity'", "timestamptz 'infinity'",
            "timestamptz '-infinity'"})
    void valuesAtTheTypesEdgesGiveTheSameOutcomeOnBothPaths(String value) throws Exception {
        h.sql("CREATE TABLE odd (id integer PRIMARY KEY, v " + value.substring(0, value.indexOf(' ')) + ")",
                "INSERT INTO odd VALUES (1, " + value.substring(value.indexOf(' ') + 1) + ")");
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"odd\"\nfile_path = \"odd.jsonl\"\n");
        assertThat(plan(h.config)).contains("FORMAT binary");
        String binary = outcome(h.config);
        String text = outcome(textPath);
        assertThat(binary.replace(h.exportDir.toString(), "OUT"))
                .isEqualTo(text.replace(tmp.resolve("out-text").toString(), "OUT"));
        if (binary.contains(" ok ")) {
            sameFile("jsonl", "odd.jsonl");
        } else {
            assertThat(Files.exists(h.exportDir.resolve("odd.jsonl"))).isFalse();
        }
    }

    @Test
    void aTimestampParquetCannotHoldFailsTheRunNamingTheValueNotTheDisk() throws Exception {
        h.sql("CREATE TABLE far (id integer PRIMARY KEY, ts timestamp)",
                "INSERT INTO far VALUES (1, '2020-01-01'), (2, '294270-01-01')");
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"far\"\nfile_path = \"far.parquet\"\n");
        String binary = outcome(h.config);
        assertThat(binary).contains(" failed ")
                .contains("flow 'f': column 'ts' in row 2: timestamp +294270-01-01T00:00 is beyond what Parquet's "
                        + "TIMESTAMP(MICROS) holds")
                .contains("export this flow as CSV or JSON Lines")
                .contains("nothing was published and the watermark stays").doesNotContain("file system");
        assertThat(outcome(textPath)).isEqualTo(binary);
        assertThat(Files.exists(h.exportDir.resolve("far.parquet"))).isFalse();
    }

    private void sameFile(String format, String name) throws Exception {
        Path binary = h.exportDir.resolve(name);
        Path text = tmp.resolve("out-text").resolve(name);
        if (format.equals("parquet")) {
            assertThat(duck("SELECT name, type, type_length, repetition_type, converted_type, scale, precision, "
                    + "logical_type FROM parquet_schema('" + binary + "')"))
                    .isEqualTo(duck("SELECT name, type, type_length, repetition_type, converted_type, scale, "
                            + "precision, logical_type FROM parquet_schema('" + text + "')"));
            List<List<String>> rows = duck("SELECT * FROM '" + binary + "' ORDER BY id");
            assertThat(rows).hasSize(7).isEqualTo(duck("SELECT * FROM '" + text + "' ORDER BY id"));
        } else {
            assertThat(Files.readAllBytes(binary)).as(name).isEqualTo(Files.readAllBytes(text));
        }
    }

    /** Every row of a DuckDB query, each value as DuckDB's text. */
    private static List<List<String>> duck(String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private String run(Path config) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "run-once", "f", "--flows", h.flows.toString(), "--config", config.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        return out.toString();
    }

    /** The result line of a run, without its duration and the staged file's random name. */
    private String outcome(Path config) {
        StringWriter out = new StringWriter();
        FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "run-once", "f", "--flows", h.flows.toString(), "--config", config.toString());
        return out.toString().replaceAll("\\d+\\.\\d+s", "").replaceAll("\\.flowexport-f-\\S+\\.tmp", "STAGED");
    }

    private String plan(Path config) {
        StringWriter out = new StringWriter();
        FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "plan", "f", "--flows", h.flows.toString(), "--config", config.toString());
        return out.toString();
    }
}
