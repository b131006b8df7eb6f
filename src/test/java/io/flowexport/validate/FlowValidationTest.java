package io.flowexport.validate;

import io.flowexport.diag.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.DatasetCatalogException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per problem class: severity, position, key and message of the problem reported. */
class FlowValidationTest {

    private static final Path FILE = Path.of("flows", "orders.toml");
    private static final String HEAD = "id = \"orders\"\n[properties.export]\nsource_dataset_id = \"orders\"\n";
    private static Connection h2;

    /** One flow file and the problem it must produce. */
    record Case(String name, String text, boolean database, Severity severity, int line, int column, String key,
                String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case error(String name, String text, int line, int column, String key, String message) {
        return new Case(name, text, false, Severity.ERROR, line, column, key, message);
    }

    private static Case dbError(String name, String text, int line, int column, String key, String message) {
        return new Case(name, text, true, Severity.ERROR, line, column, key, message);
    }

    /** A flow whose one destination is an adls destination (lines 1-6), keys to follow from line 7. */
    private static final String ADLS = HEAD + "format = \"csv\"\n[properties.export.destination]\ntype = \"adls\"\n";

    /** A flow whose one destination is an event hub (lines 1-8), keys to follow from line 9. */
    private static final String EVENTHUB = HEAD + "format = \"json\"\n[properties.export.destination]\n"
            + "type = \"eventhub\"\nnamespace = \"contoso-events\"\nevent_hub = \"orders\"\n";

    static Stream<Case> cases() {
        String csv = HEAD + "file_path = \"exports/orders.csv\"\n";
        String trigger = csv + "[[triggers]]\nid = \"t\"\n";
        return Stream.of(
                error("syntax error", "id = = \"x\"\n", 1, 6, "id", "invalid TOML: Unexpected '='"),
                error("syntax error inside a multi-line inline table", csv
                        + "exporter_config = {\n  delimiter = \";\"\n  include_header = yes\n}\n",
                        7, 20, "properties.export.exporter_config.include_header", "invalid TOML: Unexpected 'y'"),
                error("unknown key with suggestion", csv + "fromat = \"csv\"\n", 5, 1, "properties.export.fromat",
                        "unknown key 'fromat'; did you mean 'format'?"),
                error("unknown key without suggestion", "id = \"orders\"\nzzz = 1\n", 2, 1, "zzz",
                        "unknown key 'zzz'; known keys here: description, flow_type, id, input, name, namespace, "
                                + "properties, triggers"),
                error("wrong type", HEAD + "file_path = 42\n", 4, 1, "properties.export.file_path",
                        "expected a string, found an integer"),
                error("bad enum value", csv + "format = \"csvv\"\n", 5, 1, "properties.export.format",
                        "unknown format 'csvv'; known: csv, json, parquet"),
                error("bad if_exists", csv + "if_exists = \"overwrit\"\n", 5, 1, "properties.export.if_exists",
                        "unknown if_exists 'overwrit'; known: overwrite, fail"),
                error("if_exists misspelt", csv + "if_exist = \"fail\"\n", 5, 1, "properties.export.if_exist",
                        "unknown key 'if_exist'; did you mean 'if_exists'?"),
                new Case("if_exists without a file destination", HEAD + "format = \"csv\"\nif_exists = \"fail\"\n"
                        + "[properties.export.destination]\ntype = \"http\"\nurl = \"https://h/x\"\n", false,
                        Severity.WARNING, 5, 1, "properties.export.if_exists", "if_exists applies to file destinations "
                                + "(file_path, type = \"file\"), and this flow has none"),
                new Case("incremental export under one name", HEAD + "file_path = \"exports/changes.csv\"\n"
                        + "export_mode = \"incremental\"\n", false, Severity.WARNING, 4, 1, "properties.export.file_path",
                        "'exports/changes.csv' can give two runs' files one name (it has no {batch_id}, {run_id} or "
                                + "{ts}), and export_mode \"incremental\" keeps a file that has the name (if_exists = "
                                + "\"fail\", its default): a run fails while the previous run's file is still there; "
                                + "put {batch_id} in the path, or set if_exists = \"overwrite\""),
                error("bad encoding", csv + "exporter_config = { encoding = \"utf-9\" }\n", 5, 21,
                        "properties.export.exporter_config.encoding",
                        "unknown encoding 'utf-9'; known: utf-8, utf-8-sig, latin-1, cp1252, utf-16"),
                error("bad delimiter", csv + "exporter_config = {\ndelimiter = \";;\"\n}\n", 6, 1,
                        "properties.export.exporter_config.delimiter",
                        "delimiter must be exactly one character, found 2 (';;')"),
                error("missing required key", HEAD, 2, 1, "properties.export.file_path",
                        "missing key 'file_path'; set file_path = "),
                error("batch mode without batch_id", csv + "export_mode = \"batch\"\n", 2, 1,
                        "properties.export.batch_id", "missing key 'batch_id'; export_mode = \"batch\" needs batch_id"),
                new Case("batch_id outside batch mode", csv + "batch_id = 3\n", false, Severity.WARNING, 5, 1,
                        "properties.export.batch_id", "batch_id is ignored because export_mode = \"full\""),
                error("bad cron", trigger + "type = \"schedule\"\nschedule = \"0 25 * * *\"\n", 8, 1,
                        "triggers[1].schedule", "invalid cron expression '0 25 * * *'"),
                error("Quartz-style cron", trigger + "type = \"schedule\"\nschedule = \"0 0 1 * * ?\"\n", 8, 1,
                        "triggers[1].schedule", "'0 0 1 * * ?' has 6 fields (Quartz style, with seconds); write five "
                                + "Unix fields: minute hour day-of-month month day-of-week, e.g. '0 1 * * *'"),
                error("bad timezone", trigger + "type = \"schedule\"\nschedule = \"0 1 * * *\"\n"
                        + "timezone = \"Europe/Pariss\"\n", 9, 1, "triggers[1].timezone",
                        "unknown time zone 'Europe/Pariss'; did you mean 'Europe/Paris'?"),
                error("bad every", trigger + "type = \"interval\"\nevery = \"5x\"\n", 8, 1, "triggers[1].every",
                        "invalid interval '5x'; write a number greater than 0 and a unit: 500ms, 30s, 15m, 1h or 1d"),
                error("key of the other trigger type", trigger + "type = \"interval\"\nevery = \"5m\"\n"
                        + "schedule = \"0 1 * * *\"\n", 9, 1, "triggers[1].schedule",
                        "'schedule' belongs to schedule triggers, but this trigger has type = \"interval\""),
                error("duplicate trigger id", trigger + "type = \"interval\"\nevery = \"5m\"\n"
                        + "[[triggers]]\nid = \"t\"\ntype = \"interval\"\nevery = \"1h\"\n", 10, 1, "triggers[2].id",
                        "duplicate trigger id 't' (first at line 6)"),
                error("unknown placeholder", HEAD + "file_path = \"exports/{batchid}.csv\"\n", 4, 22,
                        "properties.export.file_path", "unknown placeholder '{batchid}'; did you mean '{batch_id}'?"),
                error("absolute path", HEAD + "file_path = \"/tmp/orders.csv\"\n", 4, 14,
                        "properties.export.file_path", "file_path '/tmp/orders.csv' is absolute"),
                error("'..' escape", HEAD + "file_path = \"exports/../../orders.csv\"\n", 4, 22,
                        "properties.export.file_path", "leaves the export directory; remove the '..' segments"),
                error("control character", HEAD + "file_path = \"exports/a\\tb.csv\"\n", 4, 14,
                        "properties.export.file_path", "control character U+0009"),
                error("no file name", HEAD + "file_path = \"exports/\"\n", 4, 1,
                        "properties.export.file_path", "has no file name"),
                error("no format", HEAD + "file_path = \"exports/orders.txt\"\n", 4, 1,
                        "properties.export.format", "cannot tell the format from file_path 'exports/orders.txt'"),
                new Case("format contradicts extension", csv + "format = \"json\"\n", false, Severity.WARNING, 5, 1,
                        "properties.export.format", "format = \"json\" but file_path ends in an extension for csv"),
                error("other-format key in exporter_config", csv + "exporter_config = {\nindent = 2\n}\n", 6, 1,
                        "properties.export.exporter_config.indent",
                        "'indent' is a json option, but this flow writes csv; remove it or change format"),
                error("destination not a table", HEAD + "destination = \"s3://bucket/orders.csv\"\n", 4, 1,
                        "properties.export.destination", "expected a table, found a string"),
                error("servicebus without queue or topic", HEAD + "format = \"json\"\n"
                        + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
                        + "auth = { type = \"connection_string\", value = \"${env:CS}\" }\n", 5, 1,
                        "properties.export.destination.queue", "needs queue = \"<name>\" or topic = \"<name>\""),
                error("servicebus with queue and topic", HEAD + "format = \"json\"\n"
                        + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
                        + "queue = \"q\"\ntopic = \"t\"\nauth = { type = \"default\" }\n", 9, 1,
                        "properties.export.destination.topic", "set queue or topic, not both"),
                error("servicebus with a SAS token", HEAD + "format = \"json\"\n"
                        + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
                        + "queue = \"q\"\nauth = { type = \"sas\", token = \"${env:T}\" }\n", 9, 10,
                        "properties.export.destination.auth.type", "takes a shared access policy as type = "
                                + "\"connection_string\""),
                error("tls over amqp", EVENTHUB + "auth = { type = \"connection_string\", value = \"${env:CS}\" }\n"
                        + "tls = false\n", 10, 1, "properties.export.destination.tls", "tls is for protocol = \"kafka\""),
                error("kafka with a service principal", EVENTHUB + "protocol = \"kafka\"\nauth = { type = "
                        + "\"service_principal\", tenant_id = \"t\", client_id = \"c\", client_secret = \"${env:S}\" }\n",
                        10, 1, "properties.export.destination.auth", "the Kafka endpoint takes only a connection string"),
                error("eventhub with a storage key", EVENTHUB + "protocol = \"kafka\"\n"
                        + "auth = { type = \"shared_key\", account_key = \"${env:K}\" }\n", 10, 10,
                        "properties.export.destination.auth.type", "a storage account key is for adls"),
                error("eventhub reserved property", EVENTHUB + "protocol = \"kafka\"\n"
                        + "auth = { type = \"connection_string\", value = \"${env:CS}\" }\nproperties = [\"run_id\"]\n",
                        11, 1, "properties.export.destination.properties", "property 'run_id' is set by flow-export"),
                error("eventhub from a parquet flow", EVENTHUB.replace("format = \"json\"", "format = \"parquet\"")
                        + "protocol = \"kafka\"\nauth = { type = \"connection_string\", value = \"${env:CS}\" }\n", 4, 1,
                        "properties.export.destination", "an eventhub destination sends rows as JSON or CSV, but this "
                                + "flow writes parquet"),
                error("adls without account", ADLS + "file_system = \"exports\"\npath = \"o.csv\"\n", 5, 1,
                        "properties.export.destination.account", "missing key 'account'; an adls destination needs "
                                + "account, file_system and path, or url = \"abfss://"),
                error("adls url not abfss", ADLS + "url = \"https://acct.blob.core.windows.net/ex/o.csv\"\n", 7, 1,
                        "properties.export.destination.url", "is not of the form abfss://<file_system>@<account>"
                                + ".dfs.core.windows.net/<path>"),
                error("adls url and path", ADLS + "url = \"abfss://ex@acct.dfs.core.windows.net/o.csv\"\n"
                        + "path = \"o.csv\"\n", 8, 1, "properties.export.destination.path",
                        "'path' and 'url' both say where the file goes; keep one"),
                error("adls bad account name", ADLS + "account = \"My_Account\"\nfile_system = \"ex\"\n"
                        + "path = \"o.csv\"\n", 7, 1, "properties.export.destination.account",
                        "invalid storage account name 'My_Account'; 3 to 24 lower-case letters and digits"),
                error("adls path with ..", ADLS + "account = \"acct\"\nfile_system = \"exports\"\n"
                        + "path = \"a/../o.csv\"\n", 9, 1, "properties.export.destination.path",
                        "path 'a/../o.csv' must not hold empty, '.' or '..' segments"),
                error("adls bad block size", ADLS + "url = \"abfss://ex1@acct.dfs.core.windows.net/o.csv\"\n"
                        + "block_size = \"4 parsecs\"\n", 8, 1, "properties.export.destination.block_size",
                        "invalid size '4 parsecs'; write bytes or a number and a unit: 4MiB, 512KiB, 8MB"),
                new Case("adls literal account key", ADLS + "url = \"abfss://ex1@acct.dfs.core.windows.net/o.csv\"\n"
                        + "auth = { type = \"shared_key\", account_key = \"c2VjcmV0\" }\n", false, Severity.WARNING,
                        8, 31, "properties.export.destination.auth.account_key",
                        "'account_key' holds a secret in clear text"),
                error("onelake with a shared key", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"onelake\"\nworkspace = \"Sales\"\nitem = \"Sales.Lakehouse\"\npath = \"o.csv\"\n"
                        + "auth = { type = \"shared_key\", account_key = \"${env:K}\" }\n", 10, 10,
                        "properties.export.destination.auth.type", "OneLake does not accept shared keys"),
                error("onelake url without Files", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"onelake\"\nurl = \"abfss://Sales@onelake.dfs.fabric.microsoft.com/Sales.Lakehouse"
                        + "/Tables/o\"\n", 7, 1, "properties.export.destination.url",
                        "a OneLake url needs <item>/Files/<path> after the host"),
                error("unknown destination type", HEAD + "format = \"csv\"\n"
                        + "[properties.export.destination]\ntype = \"s3\"\n", 6, 1,
                        "properties.export.destination.type", "unknown destination type 's3'; known: file, http,"),
                error("http destination without url", HEAD + "format = \"csv\"\n"
                        + "[properties.export.destination]\ntype = \"http\"\n", 5, 1,
                        "properties.export.destination.url", "missing key 'url'"),
                error("no format without a file destination", HEAD
                        + "[properties.export.destination]\ntype = \"http\"\nurl = \"https://h/x\"\n", 2, 1,
                        "properties.export.format", "no file or lake destination gives the format"),
                error("not an http url", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"ftp://h/x\"\n", 7, 1, "properties.export.destination.url",
                        "url 'ftp://h/x' is not an http:// or https:// URL with a host"),
                error("unknown placeholder in url", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"https://h/{day}\"\n", 7, 1,
                        "properties.export.destination.url", "unknown placeholder {day}"),
                error("bad method", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"https://h/x\"\nmethod = \"GET\"\n", 8, 1,
                        "properties.export.destination.method", "unknown method 'GET'; known: POST, PUT"),
                error("malformed secret reference", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"https://h/x\"\nauth = { type = \"bearer\", token = \"${TOKEN}\" }\n",
                        8, 27, "properties.export.destination.auth.token", "invalid secret reference '${TOKEN}'"),
                new Case("literal secret", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"https://h/x\"\nauth = { type = \"bearer\", token = \"abc123\" }\n",
                        false, Severity.WARNING, 8, 27, "properties.export.destination.auth.token",
                        "'token' holds a secret in clear text"),
                new Case("literal secret header", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "type = \"http\"\nurl = \"https://h/x\"\nheaders = { X-Api-Key = \"k1\" }\n",
                        false, Severity.WARNING, 8, 13, "properties.export.destination.headers.X-Api-Key",
                        "header 'X-Api-Key' holds a secret in clear text"),
                error("unknown catalogue entry", HEAD + "format = \"csv\"\n[properties.export.destination]\n"
                        + "ref = \"ingest\"\n", 6, 1, "properties.export.destination.ref",
                        "unknown destination 'ingest' in the catalogue"),
                error("destination and destinations", HEAD + "file_path = \"o.csv\"\n"
                        + "destination = { type = \"file\", path = \"a.csv\" }\n"
                        + "[[properties.export.destinations]]\ntype = \"file\"\npath = \"b.csv\"\n", 6, 1,
                        "properties.export.destinations", "use either one"),
                error("two destinations with one name", HEAD + "file_path = \"o.csv\"\n"
                        + "[[properties.export.destinations]]\nname = \"x\"\ntype = \"file\"\npath = \"a.csv\"\n"
                        + "[[properties.export.destinations]]\nname = \"x\"\ntype = \"file\"\npath = \"b.csv\"\n",
                        10, 1, "properties.export.destinations[2].name", "two destinations are named 'x'"),
                error("file destination path leaves the export dir", HEAD + "format = \"csv\"\n"
                        + "[properties.export.destination]\ntype = \"file\"\npath = \"../x.csv\"\n", 7, 9,
                        "properties.export.destination.path", "path '../x.csv' leaves the export directory"),
                error("columns listed twice", csv + "exporter_config = { columns = [\"a\", \"A\"] }\n", 5, 37,
                        "properties.export.exporter_config.columns", "column 'A' is listed twice"),
                error("bad flow id", "id = \"-x\"\n[properties.export]\nsource_dataset_id = \"o\"\n"
                        + "file_path = \"o.csv\"\n", 1, 1, "id", "invalid flow id '-x'"),
                dbError("unknown dataset with suggestion", HEAD.replace("\"orders\"\n", "\"ordrs\"\n")
                        + "file_path = \"o.csv\"\n", 3, 1, "properties.export.source_dataset_id",
                        "unknown dataset 'ordrs'; did you mean 'orders'?"),
                dbError("unknown column", csv + "exporter_config = {\ncolumns = [\"order_id\", \"totl\"]\n}\n",
                        6, 24, "properties.export.exporter_config.columns",
                        "unknown column 'totl' in dataset 'orders'; did you mean 'total'?"),
                dbError("mode needs xt_batch_id", csv + "export_mode = \"incremental\"\n", 5, 1,
                        "properties.export.export_mode", "export_mode = \"incremental\" needs an xt_batch_id column,"
                                + " which dataset 'orders' does not have"),
                dbError("{batch_id} needs xt_batch_id", HEAD + "file_path = \"out/o_{batch_id}.csv\"\n", 4, 20,
                        "properties.export.file_path", "{batch_id} needs an xt_batch_id column"),
                dbError("{batch_id} in an adls path needs xt_batch_id", ADLS
                        + "url = \"abfss://ex1@acct.dfs.core.windows.net/o_{batch_id}.csv\"\n", 7, 1,
                        "properties.export.destination.url", "{batch_id} needs an xt_batch_id column"),
                dbError("eventhub partition key not a column", EVENTHUB + "protocol = \"kafka\"\n"
                        + "auth = { type = \"connection_string\", value = \"${env:CS}\" }\npartition_key = \"regoin\"\n",
                        11, 1, "properties.export.destination.partition_key", "column 'regoin' is not in the export "
                                + "(dataset 'orders')"),
                dbError("servicebus session id not a column", HEAD + "format = \"json\"\n"
                        + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
                        + "topic = \"orders\"\nauth = { type = \"default\" }\nsession_id = \"custmer\"\n", 10, 1,
                        "properties.export.destination.session_id", "column 'custmer' is not in the export (dataset "
                                + "'orders')"),
                dbError("change_feed type mismatch", csv + "source_dataset_type = \"change_feed\"\n", 5, 1,
                        "properties.export.source_dataset_type", "source_dataset_type = \"change_feed\" but dataset "
                                + "'orders' has no xt_record_type or xt_batch_id column"));
    }

    @BeforeAll
    static void createDatabase() throws SQLException {
        h2 = DriverManager.getConnection("jdbc:h2:mem:flowvalidation;DATABASE_TO_LOWER=TRUE");
        try (Statement s = h2.createStatement()) {
            s.execute("create table orders (order_id integer primary key, customer_id integer, total decimal(12,2))");
            s.execute("create table change_feed_orders (order_id integer, total decimal(12,2), "
                    + "xt_record_type varchar(10), xt_batch_id bigint)");
            s.execute("create table orders_staging (order_id integer, xt_batch_id bigint)");
        }
    }

    /** The production catalog over the in-memory database (kept alive by {@link #h2}). */
    private static DatasetCatalog catalog() {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:flowvalidation;DATABASE_TO_LOWER=TRUE");
        return new io.flowexport.dataset.JdbcDatasetCatalog(ds, "the test database");
    }

    @AfterAll
    static void closeDatabase() throws SQLException {
        h2.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheProblem(Case c) {
        ValidationContext ctx = new ValidationContext(c.database() ? catalog() : null, Path.of("out"));
        FileOutcome outcome = FlowLoader.parse(FILE, c.text(), ctx);
        assertThat(outcome.problems()).as(outcome.problems().toString()).filteredOn(p -> p.key().equals(c.key()))
                .first().satisfies(p -> {
                    assertThat(p.severity()).isEqualTo(c.severity());
                    assertThat(p.file()).isEqualTo(FILE);
                    assertThat(p.line()).as("line").isEqualTo(c.line());
                    assertThat(p.column()).as("column").isEqualTo(c.column());
                    assertThat(p.message()).contains(c.message());
                });
        assertThat(outcome.flow() == null).isEqualTo(c.severity() == Severity.ERROR);
    }

    @Test
    void theSameFlowIsCleanAgainstTheDatabase() {
        String text = "id = \"cf\"\n[properties.export]\nsource_dataset_id = \"change_feed_orders\"\n"
                + "source_dataset_type = \"change_feed\"\nexport_mode = \"incremental\"\n"
                + "file_path = \"out/{batch_id}/orders_{ds_nodash}.parquet\"\n"
                + "exporter_config = {\ncolumns = [\"ORDER_ID\", \"total\"]\ncompression = \"zstd\"\n}\n";
        FileOutcome outcome = FlowLoader.parse(FILE, text, new ValidationContext(catalog(), Path.of("out")));
        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.flow().export().options().columns()).containsExactly("ORDER_ID", "total");
    }

    @Test
    void anUnreadableDatabaseGivesOneErrorPerFlow() {
        DatasetCatalog broken = new DatasetCatalog() {
            @Override
            public Optional<Dataset> find(String datasetId) {
                throw new DatasetCatalogException("jdbc:postgresql://db/src: connection refused", null);
            }

            @Override
            public List<String> datasetIds() {
                throw new DatasetCatalogException("jdbc:postgresql://db/src: connection refused", null);
            }
        };
        String text = HEAD + "file_path = \"out/o_{batch_id}.csv\"\nexporter_config = { columns = [\"x\"] }\n";
        FileOutcome outcome = FlowLoader.parse(FILE, text, new ValidationContext(broken, Path.of("out")));
        assertThat(outcome.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("properties.export.source_dataset_id");
            assertThat(p.message()).contains("the source database could not be read: jdbc:postgresql://db/src: "
                    + "connection refused");
        });
    }

    @Test
    void reportsEveryProblemOfAFileInOnePass() {
        String text = """
                id = "orders"
                flow_type = "export"
                [properties.export]
                source_dataset_id = 7
                file_path = "/exports/{day}.csv"
                export_mode = "batch"
                exporter_config = {
                delimiter = "||"
                compression = "gzip"
                }
                [[triggers]]
                type = "schedule"
                schedule = "0 0 1 * * ?"
                timezone = "Mars/Olympus"
                """;
        FileOutcome outcome = FlowLoader.parse(FILE, text, ValidationContext.offline());
        assertThat(outcome.flow()).isNull();
        assertThat(outcome.problems()).extracting(p -> p.line() + ":" + p.key()).containsExactly(
                "2:flow_type",
                "3:properties.export.batch_id",
                "4:properties.export.source_dataset_id",
                "5:properties.export.file_path",
                "5:properties.export.file_path",
                "8:properties.export.exporter_config.delimiter",
                "9:properties.export.exporter_config.compression",
                "13:triggers[1].schedule",
                "14:triggers[1].timezone");
        assertThat(outcome.problems().get(0).toString()).isEqualTo(
                FILE + ":2:1: flow_type: unknown flow_type 'export'; known: export_flow, change_feed, delta_publishing");
    }

    @Test
    void duplicateFlowIdsAcrossFilesAreReportedInEachFile(@TempDir Path dir) throws IOException {
        String body = "[properties.export]\nsource_dataset_id = \"o\"\nfile_path = \"o.csv\"\n";
        Files.writeString(dir.resolve("a.toml"), "# first\nid = \"same\"\n" + body);
        Files.writeString(dir.resolve("b.toml"), "id = \"same\"\n" + body);
        Files.writeString(dir.resolve("same.toml"), body); // a fragment: its id is its file name
        Files.writeString(dir.resolve("c.toml"), body);
        Files.writeString(dir.resolve(".hidden.toml"), "broken = ");
        Files.writeString(dir.resolve("c.toml~"), "broken = ");
        Files.write(dir.resolve("latin.toml"), "id = \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));

        FlowSet set = FlowLoader.loadDirectory(dir, new ValidationContext(null, dir.resolve("out")));

        assertThat(set.files()).extracting(f -> f.file().getFileName().toString())
                .containsExactly("a.toml", "b.toml", "c.toml", "latin.toml", "same.toml");
        assertThat(set.files().get(0).problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(1);
            assertThat(p.key()).isEqualTo("id");
            assertThat(p.message()).isEqualTo("flow id 'same' is also used by b.toml, same.toml; give each flow its "
                    + "own id (a file without id takes its file name)");
        });
        assertThat(set.files().get(4).problems()).singleElement()
                .satisfies(p -> assertThat(p.line() + ":" + p.column() + " " + p.message())
                        .startsWith("1:1 flow id 'same' is also used by a.toml, b.toml"));
        assertThat(set.files().get(3).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not valid UTF-8"));
        assertThat(set.flows()).extracting(f -> f.id()).containsExactly("c");
        assertThat(set.hasErrors()).isTrue();
    }

    @Test
    void aMissingDirectoryIsOneError(@TempDir Path dir) {
        FlowSet set = FlowLoader.loadDirectory(dir.resolve("nope"), ValidationContext.offline());
        assertThat(set.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("does not exist"));
    }
}
