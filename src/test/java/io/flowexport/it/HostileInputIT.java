package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken flow files beside a good flow, against PostgreSQL: {@code validate} names file, line, column
 * and key of each; {@code run-once --all} exports the good flow and writes nothing else, anywhere; a live
 * {@code run} keeps the good flow running on its trigger when the hostile files appear; and a real table whose
 * name and columns hold a quote, a semicolon and {@code --} is exported exactly, touching nothing else.
 */
class HostileInputIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /**
     * One hostile file and the problem it must get.
     *
     * @param where    {@code line:col: key: } as printed after the file's path
     * @param message  the start of the message
     */
    private record Hostile(String file, byte[] bytes, String where, String message) {
    }

    private static Hostile text(String file, String toml, String where, String message) {
        return new Hostile(file, toml.getBytes(StandardCharsets.UTF_8), where, message);
    }

    /** A flow on {@code orders} with these lines after {@code [properties.export]} (its line 1). */
    private static String orders(String lines) {
        return "[properties.export]\nsource_dataset_id = \"orders\"\n" + lines;
    }

    /** {@code file_path = "<toml>"} on line 3, its value from column 14. */
    private static String filePath(String toml) {
        return orders("file_path = \"" + toml + "\"\n");
    }

    /** {@code source_dataset_id = "<toml>"} on line 2. */
    private static String dataset(String toml) {
        return "[properties.export]\nsource_dataset_id = \"" + toml + "\"\nfile_path = \"hostile_ds.csv\"\n";
    }

    /**
     * Every hostile file; a flow that ran would write a file named {@code hostile_*}.
     *
     * @param outside a directory outside the export directory, for an absolute path
     */
    private static List<Hostile> hostileFiles(Path outside) throws IOException {
        String datasets = "; datasets in the current schema: keep_me, orders; write the name of a table or view, "
                + "optionally as schema.name";
        String ds = "2:1: properties.export.source_dataset_id: ";
        String fp = "3:14: properties.export.file_path: ";
        String notUtf8 = "; is it binary, or in another encoding (Latin-1, Windows-1252)? save flow files as UTF-8 "
                + "text, and keep other files out of the flow directory";
        StringBuilder manyKeys = new StringBuilder(orders("file_path = \"hostile_keys.csv\"\n"));
        for (int i = 0; i < 15_000; i++) {
            manyKeys.append('k').append(i).append(" = ").append(i).append('\n');
        }
        byte[] random = new byte[8192];
        new Random(7).nextBytes(random);
        random[0] = (byte) 0xC3;
        random[1] = (byte) 0x28;
        ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
        utf16.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        utf16.write(filePath("hostile_utf16.csv").getBytes(StandardCharsets.UTF_16LE));
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.write("[properties.export]\nsource_dataset_id = \"caf".getBytes(StandardCharsets.UTF_8));
        latin1.write(0xE9);
        latin1.write("\"\nfile_path = \"hostile_latin1.csv\"\n".getBytes(StandardCharsets.UTF_8));
        byte[] big = (filePath("hostile_big.csv") + "# " + "x".repeat(300 * 1024) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        return List.of(
                text("sql_dataset.toml", dataset("orders\\\"; DROP TABLE orders; --"), ds,
                        "unknown dataset 'orders\"; DROP TABLE orders; --'" + datasets),
                text("comment_dataset.toml", dataset("orders /* x */"), ds,
                        "unknown dataset 'orders /* x */'" + datasets),
                text("newline_dataset.toml", dataset("orders\\n"), ds, "unknown dataset 'orders\\n' (it holds the "
                        + "control character U+000A at position 7, which no table or view name has); did you mean "
                        + "'orders'?"),
                text("sql_columns.toml", orders("file_path = \"hostile_cols.csv\"\n"
                                + "exporter_config = { columns = [\"id; --\", \"na\\\"me\"] }\n"),
                        "4:32: properties.export.exporter_config.columns: ", "unknown column 'id; --' in dataset "
                                + "'orders'; its columns: id, customer_id, total, region; list columns of the "
                                + "dataset, or remove columns to export all of them"),
                text("message_key.toml", orders("format = \"json\"\n[properties.export.destination]\n"
                                + "type = \"eventhub\"\nnamespace = \"contoso-events\"\nevent_hub = \"orders\"\n"
                                + "auth = { type = \"connection_string\", value = \"${env:CS}\" }\n"
                                + "message_key = [\"id\\\"; --\"]\n"),
                        "9:16: properties.export.destination.message_key: ", "column 'id\"; --' is not in the "
                                + "export (dataset 'orders')"),
                text("parent_path.toml", filePath("../hostile_escape.csv"), fp,
                        "file_path '../hostile_escape.csv' leaves the export directory; remove the '..' segments"),
                text("deep_parent.toml", filePath("a/../../hostile_escape2.csv"),
                        "3:16: properties.export.file_path: ", "file_path 'a/../../hostile_escape2.csv' leaves the "
                                + "export directory"),
                text("absolute.toml", filePath(outside.resolve("hostile_abs.csv").toString()), fp,
                        "file_path '" + outside.resolve("hostile_abs.csv") + "' is absolute; write it relative to "
                                + "the export directory"),
                text("windows.toml", filePath("C:\\\\hostile_win.csv"), fp,
                        "file_path 'C:\\hostile_win.csv' is absolute"),
                text("nul_path.toml", filePath("hostile_\\u0000.csv"), fp,
                        "file_path holds the control character U+0000 at position 9; remove it"),
                text("bell_path.toml", filePath("hostile_\\u0007.csv"), fp,
                        "file_path holds the control character U+0007 at position 9; remove it"),
                text("newline_path.toml", filePath("hostile_\\n.csv"), fp,
                        "file_path holds the control character U+000A at position 9; remove it"),
                text("placeholder.toml", filePath("hostile_{nope}.csv"), "3:22: properties.export.file_path: ",
                        "unknown placeholder '{nope}'; known: {batch_id}, {ds},"),
                text("unbalanced.toml", filePath("hostile_{ds.csv"), "3:22: properties.export.file_path: ",
                        "'{' at position 9 opens no placeholder; placeholders are written {name}"),
                text("huge_value.toml", dataset("a".repeat(100_000)), ds,
                        "the value is 100000 characters long; a value has at most 1024 characters: shorten it"),
                text("many_keys.toml", manyKeys.toString(), "10000:1: properties.export.k9996: ",
                        "the file holds more than 10000 keys and array elements; a flow file holds a few dozen"),
                new Hostile("too_big.toml", big, "1:1: -: ", "the file is too large (" + big.length + " bytes); "
                        + "flow and destination files have at most 262144 bytes (256 KiB), a bigger one is not read"),
                text("deep_arrays.toml", "x = " + "[".repeat(100_000) + "\n", "1:37: x: ",
                        "invalid TOML: arrays and tables are nested more than 32 levels deep here; a flow file needs"
                                + " a few levels: close the brackets opened before this one"),
                text("deep_inline.toml", "x = " + "{a=".repeat(50_000) + "1" + "}".repeat(50_000) + "\n",
                        "1:101: x" + ".a".repeat(32) + ": ", "invalid TOML: arrays and tables are nested more than"),
                new Hostile("random.toml", random, "1:1: -: ", "the file is not valid UTF-8: byte 0xC3 at offset 0 "
                        + "cannot start or continue a UTF-8 character" + notUtf8),
                new Hostile("image.toml", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0,
                        13, 'I', 'H', 'D', 'R'}, "1:1: -: ", "the file is not valid UTF-8: byte 0x89 at offset 0"),
                new Hostile("utf16.toml", utf16.toByteArray(), "1:1: -: ", "the file is UTF-16 text (it starts "
                        + "with a UTF-16 byte order mark); flow files are UTF-8: save it as UTF-8"),
                new Hostile("latin1.toml", latin1.toByteArray(), "2:25: -: ", "the file is not valid UTF-8: byte "
                        + "0xE9 at offset 44"),
                text("duplicate_key.toml", filePath("hostile_dup.csv") + "file_path = \"hostile_dup2.csv\"\n",
                        "4:1: properties.export.file_path: ", "invalid TOML: file_path previously defined at line 3,"
                                + " column 1; a key is set once per table: remove one of the two"),
                text("wrong_type.toml", orders("file_path = 42\n"), "3:1: properties.export.file_path: ",
                        "expected a string, found an integer"),
                text("unknown_key.toml", orders("file_path = \"hostile_unknown.csv\"\nfile_paht = \"x.csv\"\n"),
                        "4:1: properties.export.file_paht: ", "unknown key 'file_paht'; did you mean 'file_path'?"),
                text("odd_id.toml", "id = \"x\\\"; DROP TABLE orders; --\"\n" + filePath("hostile_id.csv"),
                        "1:1: id: ", "invalid flow id 'x\"; DROP TABLE orders; --'; use letters, digits"),
                text("trigger_uri.toml", filePath("hostile_trigger.csv") + "[[triggers]]\n"
                                + "id = \"t?delay=0&period=1\"\ntype = \"interval\"\nevery = \"1h\"\n",
                        "5:1: triggers[1].id: ", "invalid trigger id 't?delay=0&period=1'"));
    }

    private static Harness withOrders(Path dir, String schema) throws IOException, SQLException {
        Harness h = Harness.postgres(dir, schema);
        h.sql("CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, total numeric(12,2), region text)",
                "INSERT INTO orders SELECT g, g % 7, g * 1.25, 'r' || (g % 3) FROM generate_series(1, 40) g",
                "CREATE TABLE keep_me (id integer PRIMARY KEY)",
                "INSERT INTO keep_me SELECT g FROM generate_series(1, 3) g");
        return h;
    }

    /** The tables of the schema with their row counts, sorted by name. */
    private static Map<String, Long> tables(Harness h, String schema) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (Connection c = h.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + schema + "' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            for (String n : names) {
                try (ResultSet count = s.executeQuery("SELECT count(*) FROM \"" + schema + "\".\""
                        + n.replace("\"", "\"\"") + "\"")) {
                    count.next();
                    out.put(n, count.getLong(1));
                }
            }
        }
        return out;
    }

    /** Every regular file under {@code dir} whose name starts with {@code hostile_}. */
    private static List<Path> hostileOutputs(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().startsWith("hostile_"))
                    .toList();
        }
    }

    @Test
    void validateNamesEveryHostileFileAndRunOnceExportsOnlyTheGoodFlow() throws Exception {
        Harness h = withOrders(tmp, "hostile_it");
        Map<String, Long> before = tables(h, "hostile_it");
        h.flow("good", orders("file_path = \"good/orders.csv\"\n"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        List<Hostile> hostile = hostileFiles(outside);
        for (Hostile f : hostile) {
            Files.write(h.flows.resolve(f.file()), f.bytes());
        }

        Harness.Outcome validate = h.cli("validate");
        assertThat(validate.code()).as(validate.out()).isEqualTo(1);
        List<String> lines = validate.out().lines().toList();
        for (Hostile f : hostile) {
            String prefix = h.flows.resolve(f.file()) + ":" + f.where();
            assertThat(lines).as(f.file() + "\n" + validate.out()).anySatisfy(l -> assertThat(l).startsWith(prefix)
                    .contains(prefix + f.message()));
        }
        assertThat(lines).noneMatch(l -> l.contains("good.toml"));
        assertThat(lines.get(lines.size() - 1)).startsWith((hostile.size() + 1) + " flow file(s): 1 export flow(s) "
                + "valid");

        Harness.Outcome run = h.cli("run-once", "--all");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out().lines()).singleElement().satisfies(l -> assertThat(l).containsPattern(
                "^good +ok +rows=40 .*file=.*good/orders.csv"));
        assertThat(h.files()).containsExactly("good/orders.csv");
        List<Map<String, String>> rows = h.csv("good/orders.csv");
        assertThat(rows).hasSize(40);
        assertThat(rows.get(0)).containsExactly(Map.entry("id", "1"), Map.entry("customer_id", "1"),
                Map.entry("total", "1.25"), Map.entry("region", "r1"));
        assertThat(hostileOutputs(tmp)).as("nothing written anywhere for the hostile flows").isEmpty();
        assertThat(tables(h, "hostile_it")).as("the database untouched").isEqualTo(before);
    }

    @Test
    void aRealTableWithAQuoteASemicolonAndACommentInItsNamesIsExportedExactly() throws Exception {
        Harness h = withOrders(tmp, "hostile_it_odd");
        h.sql("CREATE TABLE \"odd\"\"; DROP TABLE orders; --\" (\"id\" integer PRIMARY KEY, \"na\"\"me\" text, "
                        + "\"semi;colon\" text, \"--dash\" numeric(6,2), xt_batch_id bigint NOT NULL)",
                "INSERT INTO \"odd\"\"; DROP TABLE orders; --\" VALUES (1, 'a \"quoted\" name', 'x; DROP TABLE "
                        + "keep_me; --', 1.50, 1), (2, 'line\nbreak', '/* not a comment */', -2.00, 1), "
                        + "(3, NULL, '', 0, 2)");
        Map<String, Long> before = tables(h, "hostile_it_odd");
        String head = "[properties.export]\nsource_dataset_id = \"odd\\\"; DROP TABLE orders; --\"\n";
        String columns = "exporter_config = { columns = [\"id\", \"na\\\"me\", \"semi;colon\", \"--dash\"] }\n";
        h.flow("odd_csv", head + "file_path = \"odd/odd.csv\"\n" + columns);
        h.flow("odd_jsonl", head + "export_mode = \"changes_only\"\nfile_path = \"odd/odd_{batch_id}.jsonl\"\n"
                + columns);

        Harness.Outcome validate = h.cli("validate");
        assertThat(validate.code()).as(validate.out()).isZero();
        Harness.Outcome run = h.cli("run-once", "--all").ok();
        assertThat(run.out()).containsPattern("odd_csv +ok +rows=3").containsPattern("odd_jsonl +ok +rows=3");

        assertThat(h.files()).containsExactly("odd/odd.csv", "odd/odd_2.jsonl");
        List<Map<String, String>> csv = h.csv("odd/odd.csv");
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).containsExactly(Map.entry("id", "1"), Map.entry("na\"me", "a \"quoted\" name"),
                Map.entry("semi;colon", "x; DROP TABLE keep_me; --"), Map.entry("--dash", "1.50"));
        assertThat(csv.get(1)).containsEntry("na\"me", "line\nbreak").containsEntry("semi;colon",
                "/* not a comment */").containsEntry("--dash", "-2.00");
        assertThat(csv.get(2)).containsEntry("na\"me", "").containsEntry("semi;colon", "");
        List<String> jsonl = Files.readAllLines(h.exportDir.resolve("odd/odd_2.jsonl"));
        assertThat(jsonl).hasSize(3);
        assertThat(jsonl.get(0)).isEqualTo("{\"id\":1,\"na\\\"me\":\"a \\\"quoted\\\" name\","
                + "\"semi;colon\":\"x; DROP TABLE keep_me; --\",\"--dash\":1.50}");
        JsonNode second = JSON.readTree(jsonl.get(1));
        assertThat(second.get("na\"me").asText()).isEqualTo("line\nbreak");
        assertThat(second.get("--dash").decimalValue()).isEqualByComparingTo("-2.00");
        assertThat(JSON.readTree(jsonl.get(2)).get("na\"me").isNull()).isTrue();
        assertThat(tables(h, "hostile_it_odd")).as("nothing else in the database touched").isEqualTo(before);
    }

    @Test
    void aLiveRunnerKeepsTheGoodFlowRunningWhenHostileFilesAppear() throws Exception {
        Harness h = withOrders(tmp, "hostile_it_live");
        h.flow("good", orders("file_path = \"tick/orders_{run_id}.csv\"\n[[triggers]]\ntype = \"interval\"\n"
                + "every = \"500ms\"\n"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        List<Hostile> hostile = hostileFiles(outside);
        try (LiveProcess live = LiveProcess.start(h)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ticks(h) >= 1);
            for (Hostile f : hostile) {
                Files.write(h.flows.resolve(f.file()), f.bytes());
            }
            for (Hostile f : hostile) {
                // the file's final bytes: a reload may have caught it half-written, with other problems
                String expected = h.flows.resolve(f.file()) + ":" + f.where() + f.message();
                JsonNode status = live.awaitFlowFile(f.file(), n -> hasProblem(n, expected));
                assertThat(status.path("reload").path("result").asText()).as(f.file()).isEqualTo("not loaded");
                assertThat(status.path("state").asText()).as(f.file()).isEqualTo("not loaded");
            }
            long seen = ticks(h);
            await().atMost(Duration.ofSeconds(60)).until(() -> ticks(h) >= seen + 2);
            JsonNode good = live.flowFile("good.toml").orElseThrow();
            assertThat(good.path("reload").path("problems")).isEmpty();
            assertThat(good.path("last_run").path("status").asText()).isEqualTo("ok");
            assertThat(live.isAlive()).isTrue();
            assertThat(live.log()).doesNotContain("reload failed").doesNotContain("StackOverflowError")
                    .doesNotContain("Exception in thread");
            assertThat(live.stop()).isEqualTo(143);
        }
        assertThat(h.files()).allSatisfy(f -> assertThat(f).matches("tick/orders_[^/]+\\.csv"));
        assertThat(hostileOutputs(tmp)).isEmpty();
    }

    /** True when the status entry of a flow file lists a problem starting with {@code expected}. */
    private static boolean hasProblem(JsonNode flowFile, String expected) {
        for (JsonNode p : flowFile.path("reload").path("problems")) {
            if (p.asText().startsWith(expected)) {
                return true;
            }
        }
        return false;
    }

    /** The good flow's published files so far. */
    private static long ticks(Harness h) throws IOException {
        return h.files().stream().filter(f -> f.startsWith("tick/") && f.endsWith(".csv")).count();
    }
}
