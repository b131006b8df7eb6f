package io.flowexport.validate;

import io.flowexport.diag.Severity;
import io.flowexport.diag.Problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.JdbcDatasetCatalog;
import io.flowexport.flow.parse.FlowParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken flow files: identifiers that look like SQL, paths that leave the export directory or hold
 * control characters, enormous and deeply nested files, binary garbage. Each is rejected at validation with one
 * problem naming file, line, column, key and what to do; no flow comes out of it, and the other files of the
 * directory load as if it were not there.
 */
class HostileInputTest {

    private static final Path FILE = Path.of("flows", "hostile.toml");
    private static final String HEAD = "id = \"hostile\"\n[properties.export]\n";
    private static final String CSV = HEAD + "source_dataset_id = \"orders\"\nfile_path = \"out/orders.csv\"\n";
    /** A flow whose one destination is an event hub (lines 1-9); keys to follow from line 10. */
    private static final String EVENTHUB = HEAD + "source_dataset_id = \"orders\"\nformat = \"json\"\n"
            + "[properties.export.destination]\ntype = \"eventhub\"\nnamespace = \"contoso-events\"\n"
            + "event_hub = \"orders\"\nauth = { type = \"connection_string\", value = \"${env:CS}\" }\n";
    /** A flow whose one destination is a Service Bus topic (lines 1-9); keys to follow from line 10. */
    private static final String SERVICEBUS = HEAD + "source_dataset_id = \"orders\"\nformat = \"json\"\n"
            + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
            + "topic = \"orders\"\nauth = { type = \"default\" }\n";
    private static final String ODD_TABLE = "odd\"; --name";
    private static final String DB = "jdbc:h2:mem:hostileinput;DATABASE_TO_LOWER=TRUE";
    private static Connection h2;

    /** One flow file and the one problem it must produce (it may produce others; none at an earlier place). */
    record Case(String name, String text, boolean database, int line, int column, String key, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case offline(String name, String text, int line, int column, String key, String message) {
        return new Case(name, text, false, line, column, key, message);
    }

    private static Case db(String name, String text, int line, int column, String key, String message) {
        return new Case(name, text, true, line, column, key, message);
    }

    /** {@code file_path = "<toml>"} on line 4 (its value starts at column 14). */
    private static String filePath(String toml) {
        return HEAD + "source_dataset_id = \"orders\"\nfile_path = \"" + toml + "\"\n";
    }

    /** {@code source_dataset_id = "<toml>"} on line 3. */
    private static String dataset(String toml) {
        return HEAD + "source_dataset_id = \"" + toml + "\"\nfile_path = \"out/o.csv\"\n";
    }

    static Stream<Case> identifiers() {
        String datasets = "; datasets in the current schema: odd\"; --name, orders; write the name of a table or view,"
                + " optionally as schema.name";
        String columns = "its columns: id, customer_id, total, region";
        return Stream.of(
                db("dataset id with SQL", dataset("orders\\\"; DROP TABLE orders; --"), 3, 1,
                        "properties.export.source_dataset_id",
                        "unknown dataset 'orders\"; DROP TABLE orders; --'" + datasets),
                db("dataset id with a comment", dataset("orders /* x */"), 3, 1,
                        "properties.export.source_dataset_id", "unknown dataset 'orders /* x */'" + datasets),
                db("dataset id with a newline", dataset("orders\\n"), 3, 1, "properties.export.source_dataset_id",
                        "unknown dataset 'orders\\n' (it holds the control character U+000A at position 7, which no "
                                + "table or view name has); did you mean 'orders'?; write the name of a table or "
                                + "view, optionally as schema.name"),
                db("dataset id with NUL", dataset("orders\\u0000"), 3, 1, "properties.export.source_dataset_id",
                        "unknown dataset 'orders\\u0000' (it holds the control character U+0000 at position 7"),
                db("columns with SQL", CSV + "exporter_config = { columns = [\"id; --\", \"na\\\"me\"] }\n", 5, 32,
                        "properties.export.exporter_config.columns", "unknown column 'id; --' in dataset 'orders'; "
                                + columns + "; list columns of the dataset, or remove columns to export all of them"),
                db("second bad column points at its element", CSV
                                + "exporter_config = { columns = [\"id\", \"na\\\"me\"] }\n", 5, 38,
                        "properties.export.exporter_config.columns",
                        "unknown column 'na\"me' in dataset 'orders'; " + columns),
                db("column with a newline", CSV + "exporter_config = { columns = [\n  \"id\",\n  \"total\\n\",\n] }\n",
                        7, 3, "properties.export.exporter_config.columns", "unknown column 'total\\n' in dataset "
                                + "'orders' (it holds the control character U+000A at position 6, which no column "
                                + "name has); did you mean 'total'?"),
                db("message_key with SQL", EVENTHUB + "message_key = [\"id\", \"id\\\"; --\"]\n", 10, 22,
                        "properties.export.destination.message_key", "column 'id\"; --' is not in the export "
                                + "(dataset 'orders'); " + columns + "; message_key, partition_key, session_id and "
                                + "properties name exported columns"),
                db("partition_key with a comment", EVENTHUB + "partition_key = \"region -- x\"\n", 10, 1,
                        "properties.export.destination.partition_key",
                        "column 'region -- x' is not in the export (dataset 'orders')"),
                db("session_id with a newline", SERVICEBUS + "session_id = \"region\\n\"\n", 10, 1,
                        "properties.export.destination.session_id",
                        "column 'region\\n' is not in the export (dataset 'orders'); did you mean 'region'?"),
                db("properties with a bell", SERVICEBUS + "properties = [\"total\\u0007\"]\n", 10, 15,
                        "properties.export.destination.properties",
                        "column 'total\\u0007' is not in the export (dataset 'orders'); did you mean 'total'?"),
                offline("flow id with SQL", "id = \"x\\\"; DROP TABLE orders; --\"\n[properties.export]\n"
                                + "source_dataset_id = \"orders\"\nfile_path = \"o.csv\"\n", 1, 1, "id",
                        "invalid flow id 'x\"; DROP TABLE orders; --'; use letters, digits, '_', '.' and '-', "
                                + "starting with a letter or digit"),
                offline("flow id with a newline", "id = \"a\\nb: fake\"\n[properties.export]\n"
                                + "source_dataset_id = \"orders\"\nfile_path = \"o.csv\"\n", 1, 1, "id",
                        "invalid flow id 'a\\nb: fake'"),
                offline("flow id with a bidi override", "id = \"abc\\u202Edef\"\n[properties.export]\n"
                                + "source_dataset_id = \"orders\"\nfile_path = \"o.csv\"\n", 1, 1, "id",
                        "invalid flow id 'abc\\u202Edef'"),
                offline("namespace with SQL", "namespace = \"ns; --\"\n" + CSV, 1, 1, "namespace",
                        "invalid namespace 'ns; --'; use letters, digits, '_', '.' and '-', starting with a letter"),
                offline("destination name with a quote", HEAD + "source_dataset_id = \"orders\"\n"
                                + "[properties.export.destination]\nname = \"x\\\"; --\"\ntype = \"file\"\n"
                                + "path = \"o.csv\"\n", 5, 1, "properties.export.destination.name",
                        "invalid destination name 'x\"; --'; use letters, digits, '_', '.' and '-'"),
                offline("trigger id with endpoint options", CSV + "[[triggers]]\nid = \"t?delay=0&period=1\"\n"
                                + "type = \"interval\"\nevery = \"1h\"\n", 6, 1, "triggers[1].id",
                        "invalid trigger id 't?delay=0&period=1'; use letters, digits, '_', '.' and '-', starting "
                                + "with a letter or digit"),
                offline("unknown key with a newline", CSV + "\"a\\nb\" = 1\n", 5, 1, "properties.export.a\\nb",
                        "unknown key 'a\\nb'"));
    }

    static Stream<Case> paths() {
        String leaves = "' leaves the export directory; remove the '..' segments";
        String known = "{batch_id}, {ds}, {ds_nodash}, {flow_id}, {namespace}, {run_id}, {ts}, {ts_nodash}";
        String fp = "properties.export.file_path";
        String lake = HEAD + "source_dataset_id = \"orders\"\nformat = \"csv\"\n[properties.export.destination]\n"
                + "type = \"adls\"\naccount = \"acct\"\nfile_system = \"exports\"\n";
        return Stream.of(
                offline("parent directory", filePath("../x.csv"), 4, 14, fp, "file_path '../x.csv" + leaves),
                offline("parent directory after a directory", filePath("a/../../x.csv"), 4, 16, fp,
                        "file_path 'a/../../x.csv" + leaves),
                offline("absolute", filePath("/etc/x.csv"), 4, 14, fp, "file_path '/etc/x.csv' is absolute; write "
                        + "it relative to the export directory, e.g. 'exports/orders.csv'"),
                offline("drive letter", filePath("C:\\\\x.csv"), 4, 14, fp, "file_path 'C:\\x.csv' is absolute"),
                offline("backslashes", filePath("a\\\\..\\\\..\\\\x.csv"), 4, 14, fp,
                        "file_path 'a\\..\\..\\x.csv' holds '\\' at position 2; separate directories with '/'"),
                offline("NUL", filePath("out/a\\u0000.csv"), 4, 14, fp,
                        "file_path holds the control character U+0000 at position 6; remove it"),
                offline("bell", filePath("out/a\\u0007.csv"), 4, 14, fp,
                        "file_path holds the control character U+0007 at position 6; remove it"),
                offline("tab", filePath("out/a\\tb.csv"), 4, 14, fp,
                        "file_path holds the control character U+0009 at position 6; remove it"),
                offline("newline", filePath("out/a\\nb.csv"), 4, 14, fp,
                        "file_path holds the control character U+000A at position 6; remove it"),
                offline("unknown placeholder", filePath("out/{nope}.csv"), 4, 18, fp,
                        "unknown placeholder '{nope}'; known: " + known),
                offline("unbalanced brace", filePath("out/{ds.csv"), 4, 18, fp,
                        "'{' at position 5 opens no placeholder; placeholders are written {name} (" + known
                                + "); remove the brace or complete the placeholder"),
                offline("closing brace alone", filePath("out/ds}.csv"), 4, 20, fp,
                        "'}' at position 7 closes no placeholder"),
                offline("secret reference in a path", filePath("out/${env:HOME}.csv"), 4, 19, fp,
                        "'{' at position 6 opens no placeholder"),
                offline("file destination path absolute", HEAD + "source_dataset_id = \"orders\"\n"
                                + "[properties.export.destination]\ntype = \"file\"\npath = \"/etc/cron.d/x.csv\"\n",
                        6, 9, "properties.export.destination.path", "path '/etc/cron.d/x.csv' is absolute"),
                offline("file destination path with NUL", HEAD + "source_dataset_id = \"orders\"\n"
                                + "[properties.export.destination]\ntype = \"file\"\npath = \"x\\u0000.csv\"\n",
                        6, 9, "properties.export.destination.path", "path holds the control character U+0000"),
                offline("dead letter path leaves", EVENTHUB + "dead_letter_path = \"../dl.jsonl\"\n", 10, 21,
                        "properties.export.destination.dead_letter_path",
                        "dead_letter_path '../dl.jsonl" + leaves),
                offline("lake path with ..", lake + "path = \"a/../../x.csv\"\n", 9, 1,
                        "properties.export.destination.path",
                        "path 'a/../../x.csv' must not hold empty, '.' or '..' segments"),
                offline("lake path with NUL", lake + "path = \"a\\u0000.csv\"\n", 9, 1,
                        "properties.export.destination.path",
                        "path 'a\\u0000.csv' must not hold control characters or '\\'"),
                offline("lake path with a stray brace", lake + "path = \"o_{ds.csv\"\n", 9, 1,
                        "properties.export.destination.path", "path 'o_{ds.csv' has a '{' at position 3 that "
                                + "belongs to no placeholder; write placeholders as {ds}, or remove the brace"),
                offline("lake path with an unknown placeholder", lake + "path = \"o_{nope}.csv\"\n", 9, 1,
                        "properties.export.destination.path", "unknown placeholder {nope}; known: batch_id, ds,"));
    }

    static Stream<Case> sizesAndShapes() {
        StringBuilder keys = new StringBuilder(CSV);
        for (int i = 0; i < 10_001; i++) {
            keys.append("k").append(i).append(" = ").append(i).append('\n');
        }
        return Stream.of(
                offline("huge string value", dataset("a".repeat(100_000)), 3, 1,
                        "properties.export.source_dataset_id",
                        "the value is 100000 characters long; a value has at most 1024 characters: shorten it"),
                offline("huge column name", CSV + "exporter_config = { columns = [\"" + "c".repeat(5000) + "\"] }\n",
                        5, 32, "properties.export.exporter_config.columns", "the value is 5000 characters long"),
                offline("huge key", CSV + "\"" + "k".repeat(200) + "\" = 1\n", 5, 1,
                        "properties.export." + "k".repeat(40) + "...",
                        "the key is 200 characters long; keys have at most 128: use one of the keys this table takes"),
                offline("more than 10000 keys", keys.toString(), 10_000, 1, "properties.export.k9995",
                        "the file holds more than 10000 keys and array elements; a flow file holds a few dozen (is "
                                + "this the right file?): remove what it does not need"),
                offline("100000 open brackets", "x = " + "[".repeat(100_000) + "\n", 1, 37, "x",
                        "invalid TOML: arrays and tables are nested more than 32 levels deep here; a flow file needs"
                                + " a few levels: close the brackets opened before this one (is this the right file?)"),
                offline("100000 balanced brackets", CSV + "x = " + "[".repeat(100_000) + "]".repeat(100_000) + "\n",
                        5, 37, "properties.export.x", "invalid TOML: arrays and tables are nested more than 32"),
                offline("nested inline tables", CSV + "x = " + "{a=".repeat(50_000) + "1" + "}".repeat(50_000)
                        + "\n", 5, 101, "properties.export.x" + ".a".repeat(32), "invalid TOML: arrays and tables "
                        + "are nested more than 32 levels deep here"),
                offline("deep dotted key", CSV + "a" + ".a".repeat(100) + " = 1\n", 5, 1,
                        "properties.export" + ".a".repeat(31), "tables and arrays are nested more than 32 levels deep "
                                + "here (dotted keys count as tables); a flow file needs a few levels"),
                offline("deep table header", CSV + "[a" + ".a".repeat(100) + "]\n", 5, 1, "a" + ".a".repeat(32),
                        "tables and arrays are nested more than 32 levels deep"),
                offline("duplicate key", CSV + "file_path = \"out/other.csv\"\n", 5, 1,
                        "properties.export.file_path", "invalid TOML: file_path previously defined at line 4, column 1;"
                                + " a key is set once per table: remove one of the two"),
                offline("key of the wrong type", HEAD + "source_dataset_id = [\"orders\"]\nfile_path = \"o.csv\"\n",
                        3, 1, "properties.export.source_dataset_id", "expected a string, found an array"),
                offline("unknown key", CSV + "file_paht = \"x.csv\"\n", 5, 1, "properties.export.file_paht",
                        "unknown key 'file_paht'; did you mean 'file_path'?"),
                offline("a raw control character", CSV + "format = \"csv\"\u0007\n", 5, 15, "properties.export.format",
                        "invalid TOML: Unexpected '\\u0007'"),
                offline("syntax error in a destination", HEAD + "source_dataset_id = \"orders\"\n"
                                + "[[properties.export.destinations]]\ntype = \"file\"\npath = = \"a.csv\"\n", 6, 8,
                        "properties.export.destinations[1].path", "invalid TOML: Unexpected '='"));
    }

    static Stream<Case> cases() {
        return Stream.of(identifiers(), paths(), sizesAndShapes()).flatMap(s -> s);
    }

    @BeforeAll
    static void createDatabase() throws SQLException {
        h2 = DriverManager.getConnection(DB);
        try (Statement s = h2.createStatement()) {
            s.execute("create table orders (id integer primary key, customer_id integer, total decimal(12,2), "
                    + "region varchar(20))");
            s.execute("insert into orders values (1, 7, 9.50, 'north')");
            // a real table whose name and columns hold a quote, a semicolon and a comment
            s.execute("create table \"odd\"\"; --name\" (\"a\"\"b\" integer, \"c;d\" varchar(10), \"--e\" integer)");
        }
    }

    @AfterAll
    static void closeDatabase() throws SQLException {
        h2.close();
    }

    private static DatasetCatalog catalog() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(DB);
        return new JdbcDatasetCatalog(ds, "the test database");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsTheFileNamingLineKeyAndWhatToDo(Case c) {
        ValidationContext ctx = new ValidationContext(c.database() ? catalog() : null, Path.of("out"));
        FileOutcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> FlowLoader.parse(FILE, c.text(), ctx));
        assertThat(outcome.flow()).as("no flow from a rejected file").isNull();
        assertThat(outcome.problems()).as(outcome.problems().toString())
                .filteredOn(p -> p.key().equals(c.key()) && p.message().contains(c.message())).first()
                .satisfies(p -> {
                    assertThat(p.severity()).isEqualTo(Severity.ERROR);
                    assertThat(p.file()).isEqualTo(FILE);
                    assertThat(p.line() + ":" + p.column()).as("line:column").isEqualTo(c.line() + ":" + c.column());
                    assertThat(p.toString()).as("one line").doesNotContain("\n", "\r")
                            .startsWith(FILE + ":" + c.line() + ":" + c.column() + ": " + c.key() + ": ");
                });
        assertThat(outcome.problems()).as("at most the cap, and short lines").hasSizeLessThanOrEqualTo(101)
                .allSatisfy(p -> assertThat(p.toString()).hasSizeLessThan(4000));
    }

    @Test
    void theOddTableOfTheDatabaseIsAValidDataset() throws SQLException {
        String text = HEAD + "source_dataset_id = \"odd\\\"; --name\"\nfile_path = \"out/odd.csv\"\n"
                + "exporter_config = { columns = [\"a\\\"b\", \"c;d\", \"--e\"] }\n";
        FileOutcome outcome = FlowLoader.parse(FILE, text, new ValidationContext(catalog(), Path.of("out")));
        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.flow().export().sourceDatasetId()).isEqualTo(ODD_TABLE);
        assertThat(outcome.flow().export().options().columns()).containsExactly("a\"b", "c;d", "--e");
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery("select count(*) from orders")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("orders survived the lookups").isEqualTo(1);
        }
    }

    @Test
    void thousandsOfUnknownKeysAreCappedAtOneHundredProblemsAndACount() {
        StringBuilder text = new StringBuilder(CSV);
        for (int i = 0; i < 3000; i++) {
            text.append("zz").append(i).append(" = 1\n");
        }
        FileOutcome outcome = FlowLoader.parse(FILE, text.toString(), ValidationContext.offline());
        assertThat(outcome.flow()).isNull();
        assertThat(outcome.problems()).hasSize(101);
        assertThat(outcome.problems().get(0).toString()).isEqualTo(FILE + ":5:1: properties.export.zz0: unknown key "
                + "'zz0'; known keys here: batch_id, destination, destinations, export_mode, exporter_config, "
                + "file_path, format, if_exists, settle_time, source_dataset_id, source_dataset_type");
        assertThat(outcome.problems().get(100).toString()).isEqualTo(FILE + ":105:1: -: 2900 more problem(s) from "
                + "here on are not shown; fix the ones above and validate again");
    }

    @Test
    void hostileCatalogueFilesAreBrokenEntriesAndTheGoodOneLoads(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("good.toml"), "type = \"file\"\npath = \"out/x.csv\"\n");
        Files.write(dir.resolve("image.toml"), new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n'});
        Files.writeString(dir.resolve("deep.toml"), "type = \"http\"\nurl = " + "[".repeat(100_000) + "\n");
        String big = "type = \"file\"\n# " + "x".repeat(FlowParser.MAX_FILE_BYTES);
        Files.writeString(dir.resolve("big.toml"), big);

        DestinationLoader.Loaded loaded = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> DestinationLoader.loadDirectory(dir));

        assertThat(loaded.catalogue().entries()).containsOnlyKeys("good");
        assertThat(loaded.catalogue().broken()).containsOnlyKeys("big", "deep", "image");
        assertThat(loaded.files()).flatExtracting(FileOutcome::problems)
                .extracting(p -> p.file().getFileName() + p.toString().substring(p.file().toString().length()))
                .containsExactly(
                        "big.toml:1:1: -: the file is too large (" + big.length() + " bytes); flow and "
                                + "destination files have at most 262144 bytes (256 KiB), a bigger one is not read: "
                                + "is this the right file? keep one flow per file",
                        "deep.toml:2:39: url: invalid TOML: arrays and tables are nested more than 32 levels deep "
                                + "here; a flow file needs a few levels: close the brackets opened before this one "
                                + "(is this the right file?)",
                        "image.toml:1:1: -: the file is not valid UTF-8: byte 0x89 at offset 0 cannot start or "
                                + "continue a UTF-8 character; is it binary, or in another encoding (Latin-1, "
                                + "Windows-1252)? save flow files as UTF-8 text, and keep other files out of the flow "
                                + "directory");
    }

    @Test
    void anOverlongSecretIsRefusedWithoutShowingAnyOfIt() {
        String secret = "s3cr3t-".repeat(300);
        String text = HEAD + "source_dataset_id = \"orders\"\nformat = \"csv\"\n[properties.export.destination]\n"
                + "type = \"http\"\nurl = \"https://h/x\"\nauth = { type = \"bearer\", token = \"" + secret + "\" }\n";
        FileOutcome outcome = FlowLoader.parse(FILE, text, ValidationContext.offline());
        assertThat(outcome.flow()).isNull();
        assertThat(outcome.problems()).extracting(Problem::toString).contains(FILE + ":8:27: "
                + "properties.export.destination.auth.token: the value is 2100 characters long; a value has at most "
                + "1024 characters: shorten it").noneMatch(p -> p.contains("s3cr3t"));
    }

    @Test
    void aTooLargeTextIsRefusedBeforeParsing() {
        String text = CSV + "# " + "x".repeat(FlowParser.MAX_FILE_BYTES) + "\n";
        FileOutcome outcome = FlowLoader.parse(FILE, text, ValidationContext.offline());
        assertThat(outcome.problems()).singleElement().hasToString(FILE + ":1:1: -: the file is too large ("
                + text.length() + " characters); flow and destination files have at most 262144 bytes (256 KiB), a "
                + "bigger one is not read: is this the right file? keep one flow per file");
    }

    /** What one file of {@link #binaryAndOversizedFilesAreRefusedAndTheOtherFlowsLoad} must report. */
    private record FileCase(String file, byte[] bytes, String expected) {
    }

    private static List<FileCase> files() throws IOException {
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        random[0] = (byte) 0xC3; // a lead byte followed by no continuation byte: invalid at offset 0 or 1
        random[1] = (byte) 0x28;
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
        utf16.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        utf16.write(CSV.getBytes(StandardCharsets.UTF_16LE));
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.write("id = \"latin\"\n[properties.export]\nsource_dataset_id = \"caf".getBytes(StandardCharsets.UTF_8));
        latin1.write(0xE9);
        latin1.write("\"\n".getBytes(StandardCharsets.UTF_8));
        byte[] big = (CSV + "# " + "x".repeat(300 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
        String notUtf8 = "; is it binary, or in another encoding (Latin-1, Windows-1252)? save flow files as UTF-8 "
                + "text, and keep other files out of the flow directory";
        return List.of(
                new FileCase("random.toml", random, "random.toml:1:1: -: the file is not valid UTF-8: byte 0xC3 at "
                        + "offset 0 cannot start or continue a UTF-8 character" + notUtf8),
                new FileCase("image.toml", png.toByteArray(), "image.toml:1:1: -: the file is not valid UTF-8: byte "
                        + "0x89 at offset 0 cannot start or continue a UTF-8 character" + notUtf8),
                new FileCase("utf16.toml", utf16.toByteArray(), "utf16.toml:1:1: -: the file is UTF-16 text (it "
                        + "starts with a UTF-16 byte order mark); flow files are UTF-8: save it as UTF-8"),
                new FileCase("utf16-no-bom.toml", CSV.getBytes(StandardCharsets.UTF_16LE), "utf16-no-bom.toml:1:2:"
                        + " -: the file holds a NUL character: it is binary or UTF-16 without a byte order mark, not "
                        + "TOML text; save flow files as UTF-8 text, and keep other files out of the flow directory"),
                new FileCase("latin1.toml", latin1.toByteArray(), "latin1.toml:3:25: -: the file is not valid UTF-8: "
                        + "byte 0xE9 at offset 57 cannot start or continue a UTF-8 character" + notUtf8),
                new FileCase("big.toml", big, "big.toml:1:1: -: the file is too large (" + big.length + " bytes); "
                        + "flow and destination files have at most 262144 bytes (256 KiB), a bigger one is not read: "
                        + "is this the right file? keep one flow per file"),
                new FileCase("deep.toml", ("x = " + "[".repeat(200_000)).getBytes(StandardCharsets.UTF_8),
                        "deep.toml:1:37: x: invalid TOML: arrays and tables are nested more than 32 levels deep "
                                + "here; a flow file needs a few levels: close the brackets opened before this one "
                                + "(is this the right file?)"));
    }

    @Test
    void binaryAndOversizedFilesAreRefusedAndTheOtherFlowsLoad(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("good.toml"), "[properties.export]\nsource_dataset_id = \"orders\"\n"
                + "file_path = \"out/good.csv\"\n");
        List<FileCase> cases = files();
        for (FileCase c : cases) {
            Files.write(dir.resolve(c.file()), c.bytes());
        }

        FlowSet set = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> FlowLoader.loadDirectory(dir, new ValidationContext(catalog(), dir.resolve("out"))));

        assertThat(set.flows()).extracting(f -> f.id()).containsExactly("good");
        for (FileCase c : cases) {
            FileOutcome outcome = set.files().stream().filter(f -> f.file().endsWith(c.file())).findFirst()
                    .orElseThrow();
            assertThat(outcome.flow()).isNull();
            assertThat(outcome.problems()).as(c.file()).singleElement()
                    .satisfies(p -> assertThat(dir.relativize(p.file()) + p.toString().substring(
                            p.file().toString().length())).isEqualTo(c.expected()));
        }
        assertThat(set.files().stream().filter(f -> f.file().endsWith("good.toml")).findFirst().orElseThrow()
                .problems()).isEmpty();
    }
}
