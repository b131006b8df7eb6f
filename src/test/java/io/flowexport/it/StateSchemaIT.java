package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.state.JdbcStateStore;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import io.flowexport.state.StateStoreException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state store's schema under Flyway ({@code io.flowexport.state.StateSchema}), on real databases: several
 * runners (threads, and separate JVMs) opening a fresh PostgreSQL store at the same moment; a store created by
 * release 8c62dd5 (tables, no version) upgraded in place on H2 and PostgreSQL with its rows intact; a PostgreSQL
 * schema shared with an application's tables and its own {@code flyway_schema_history}; and an older runner
 * opening a store that a newer release migrated further.
 */
class StateSchemaIT {

    private static final String PG_ADMIN_URL = Harness.PG_URL;
    private static final String PG_USER = Harness.PG_USER;

    /**
     * The state tables exactly as release 8c62dd5 created them (JdbcStateStore's DDL list, run at every start),
     * before the schema had a version.
     */
    private static final List<String> RELEASE_8C62DD5_DDL = List.of(
            "CREATE TABLE IF NOT EXISTS flowexport_watermark ("
                    + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
                    + "batch_id BIGINT NOT NULL, run_id VARCHAR(64) NOT NULL, updated_at VARCHAR(40) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS flowexport_pending ("
                    + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
                    + "run_id VARCHAR(64) NOT NULL, first_batch BIGINT, last_batch BIGINT, row_count BIGINT NOT NULL, "
                    + "file VARCHAR(4000) NOT NULL, placeholder_values VARCHAR(8000) NOT NULL, "
                    + "remaining VARCHAR(8000) NOT NULL, last_error VARCHAR(4000), created_at VARCHAR(40) NOT NULL, "
                    + "updated_at VARCHAR(40) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS flowexport_intent ("
                    + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
                    + "run_id VARCHAR(64) NOT NULL, first_batch BIGINT, last_batch BIGINT, "
                    + "placeholder_values VARCHAR(8000) NOT NULL, created_at VARCHAR(40) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS flowexport_runs ("
                    + "flow_id VARCHAR(200) NOT NULL, run_id VARCHAR(64) NOT NULL, flow_version VARCHAR(64), "
                    + "run_trigger VARCHAR(20) NOT NULL, started_at VARCHAR(40) NOT NULL, "
                    + "finished_at VARCHAR(40) NOT NULL, status VARCHAR(20) NOT NULL, row_count BIGINT NOT NULL, "
                    + "byte_count BIGINT NOT NULL, first_batch BIGINT, last_batch BIGINT, "
                    + "files VARCHAR(16000) NOT NULL, destinations VARCHAR(16000) NOT NULL, error VARCHAR(4000), message VARCHAR(4000))",
            "CREATE INDEX IF NOT EXISTS flowexport_runs_flow ON flowexport_runs (flow_id, started_at)",
            "CREATE INDEX IF NOT EXISTS flowexport_runs_finished ON flowexport_runs (finished_at)");

    /** Rows as release 8c62dd5 wrote them: a watermark, a pending delivery, a run intent and a run. */
    private static final List<String> RELEASE_8C62DD5_ROWS = List.of(
            "INSERT INTO flowexport_watermark VALUES ('orders', 'sales.orders', 41, 'run-41', "
                    + "'2025-03-01T10:00:00.123Z')",
            "INSERT INTO flowexport_pending VALUES ('orders', 'sales.orders', 'run-44', 42, 44, 17, "
                    + "'/work/pending/orders-run-44.csv', '{\"run_id\":\"run-44\",\"batch_id\":\"44\"}', "
                    + "'{\"ingest\":2}', 'HTTP 503 from ingest', '2025-03-01T11:00:00.000Z', "
                    + "'2025-03-01T11:05:00.000Z')",
            "INSERT INTO flowexport_intent VALUES ('customers', 'crm.customers', 'run-7', 5, 6, "
                    + "'{\"run_id\":\"run-7\",\"ds\":\"2025-03-01\"}', '2025-03-01T12:00:00.000Z')",
            "INSERT INTO flowexport_runs VALUES ('orders', 'run-41', 'v-abc', 'schedule', "
                    + "'2025-03-01T10:00:00.000Z', '2025-03-01T10:00:02.500Z', 'ok', 120, 4096, 39, 41, "
                    + "'[\"orders/41.csv\"]', '[{\"name\":\"file\",\"type\":\"file\",\"target\":\"orders/41.csv\","
                    + "\"ok\":true,\"detail\":\"written\"}]', NULL, NULL)");

    @TempDir
    Path tmp;

    private final List<String> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, "");
             Statement s = c.createStatement()) {
            for (String db : databases) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    /**
     * Five rounds, each on a new database: a race shows in some rounds only (before the retry in StateSchema, a
     * fresh store failed in about one round of three with "Unable to baseline ... as it already exists").
     */
    @ParameterizedTest(name = "a store of release 8c62dd5: {0}")
    @ValueSource(booleans = {false, true})
    void eightThreadsOpenAPostgresStoreAtTheSameMoment(boolean ofRelease8c62dd5) throws Exception {
        for (int round = 0; round < 5; round++) {
            String url = freshPostgres();
            if (ofRelease8c62dd5) {
                sql(pgSource(url), RELEASE_8C62DD5_DDL);
                sql(pgSource(url), RELEASE_8C62DD5_ROWS);
            }
            openAtTheSameMoment(url, 8);
            assertThat(history(pgSource(url))).as("round %d", round).containsExactlyElementsOf(ofRelease8c62dd5
                    ? List.of(tuple("0", "BASELINE"), tuple("1", "SQL"), tuple("2", "SQL"))
                    : List.of(tuple("1", "SQL"), tuple("2", "SQL")));
            if (ofRelease8c62dd5) {
                assertThat(count(pgSource(url), "flowexport_runs")).isEqualTo(1);
            } else {
                assertStateTables(pgSource(url));
            }
        }
    }

    /** {@code n} threads, each with its own pool, open a JdbcStateStore at the same moment; all must succeed. */
    private static void openAtTheSameMoment(String url, int n) throws Exception {
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opened.add(threads.submit(() -> {
                    HikariDataSource pool = pool(url);
                    start.await(30, TimeUnit.SECONDS);
                    new JdbcStateStore(pool, "thread", pool).close();
                    return null;
                }));
            }
            for (Future<?> f : opened) {
                f.get(2, TimeUnit.MINUTES); // rethrows a failed open
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void threeProcessesOpenAFreshPostgresStoreAtTheSameMoment() throws Exception {
        String url = freshPostgres();
        long startAt = System.currentTimeMillis() + 5_000;
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path log = tmp.resolve("child-" + i + ".log");
                logs.add(log);
                // the packaged jar first: Flyway, its database plugins and the migrations as the runner ships them
                children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m", "-cp", Path.of("target", "flow-export.jar").toAbsolutePath() + File.pathSeparator
                        + Path.of("target", "test-classes").toAbsolutePath(), StateStoreOpener.class.getName(), url,
                        PG_USER, String.valueOf(startAt)).redirectErrorStream(true).redirectOutput(log.toFile())
                        .start());
            }
            for (int i = 0; i < 3; i++) {
                Process p = children.get(i);
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("child %d ended", i).isTrue();
                String out = Files.readString(logs.get(i));
                assertThat(p.exitValue()).as(out).isZero();
                assertThat(out).contains("opened");
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        assertThat(System.currentTimeMillis()).as("the children met at the start time").isGreaterThan(startAt);
        assertThat(versions(pgSource(url))).containsExactly("1", "2");
        assertStateTables(pgSource(url));
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgres"})
    void aStoreOfRelease8c62dd5IsUpgradedInPlaceWithItsRowsIntact(String db) throws Exception {
        DataSource ds = db.equals("h2") ? h2Source() : pgSource(freshPostgres());
        sql(ds, RELEASE_8C62DD5_DDL);
        sql(ds, RELEASE_8C62DD5_ROWS);

        try (StateStore store = new JdbcStateStore(ds, db, null)) {
            assertThat(history(ds)).containsExactly(tuple("0", "BASELINE"), tuple("1", "SQL"), tuple("2", "SQL"));

            assertThat(store.watermark("orders", "sales.orders")).isEqualTo(OptionalLong.of(41));
            assertThat(store.watermarkOf("orders")).contains(new StateStore.Watermark("orders", "sales.orders", 41,
                    "run-41", "2025-03-01T10:00:00.123Z"));
            assertThat(store.pending("orders")).contains(new PendingDelivery("orders", "sales.orders", "run-44", 42L,
                    44L, 17, Path.of("/work/pending/orders-run-44.csv"), Map.of("run_id", "run-44", "batch_id", "44"),
                    Map.of("ingest", 2), "HTTP 503 from ingest", Instant.parse("2025-03-01T11:00:00Z")));
            assertThat(store.intent("customers")).contains(new RunIntent("customers", "crm.customers", "run-7", 5L,
                    6L, Map.of("run_id", "run-7", "ds", "2025-03-01"), Instant.parse("2025-03-01T12:00:00Z")));
            assertThat(store.history(null, false, 10)).containsExactly(new RunRecord("orders", "run-41", "v-abc",
                    "schedule", Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T10:00:02.500Z"),
                    "ok", 120, 4096, 39L, 41L, List.of("orders/41.csv"),
                    List.of(new RunRecord.Destination("file", "file", "orders/41.csv", true, "written")), null, null));
            assertThat(store.flowIds()).containsExactly("customers", "orders");
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT runner_id, trigger_id, fire_time FROM flowexport_runs")) {
            assertThat(rs.next()).isTrue();
            assertThat(new Object[] {rs.getObject(1), rs.getObject(2), rs.getObject(3)}).containsOnlyNulls();
            assertThat(rs.next()).isFalse();
        }
        assertThat(count(ds, "flowexport_lease") + count(ds, "flowexport_trigger") + count(ds, "flowexport_runner"))
                .isZero();

        // the next start finds the schema current
        new JdbcStateStore(ds, db, null).close();
        assertThat(history(ds)).hasSize(3);
    }

    @Test
    void aSchemaSharedWithAnApplicationGetsOurTablesAndLeavesTheOthersAlone() throws Exception {
        String url = freshPostgres();
        DataSource ds = pgSource(url);
        // the application: its own Flyway history (default table name) and a source table
        Flyway app = Flyway.configure().dataSource(ds).locations("classpath:db/app-test").load();
        assertThat(app.migrate().migrationsExecuted).isEqualTo(1);
        sql(ds, List.of("INSERT INTO orders VALUES (1, 'first', 1), (2, 'second', 1)"));
        List<List<Object>> appHistory = rows(ds, "SELECT installed_rank, version, description, checksum, success "
                + "FROM flyway_schema_history ORDER BY installed_rank");
        List<List<Object>> orders = rows(ds, "SELECT * FROM orders ORDER BY id");

        new JdbcStateStore(ds, "shared", null).close();

        assertThat(history(ds)).containsExactly(tuple("0", "BASELINE"), tuple("1", "SQL"), tuple("2", "SQL"));
        assertStateTables(ds);
        assertThat(rows(ds, "SELECT installed_rank, version, description, checksum, success "
                + "FROM flyway_schema_history ORDER BY installed_rank")).isEqualTo(appHistory);
        assertThat(rows(ds, "SELECT * FROM orders ORDER BY id")).isEqualTo(orders);
        assertThat(rows(ds, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_name NOT LIKE 'flowexport\\_%' ORDER BY table_name"))
                .containsExactly(List.of("flyway_schema_history"), List.of("orders"));
        // and the application's Flyway still finds its history as it left it
        assertThat(app.migrate().migrationsExecuted).isZero();
        app.validate();
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgres"})
    void anOlderRunnerOpensAStoreANewerOneMigrated(String db) throws Exception {
        DataSource ds = db.equals("h2") ? h2Source() : pgSource(freshPostgres());
        // a newer release: the same history table and migrations, and a V3 this release does not know
        Flyway newer = Flyway.configure().dataSource(ds).table("flowexport_schema_history")
                .locations("classpath:db/flowexport", "classpath:db/flowexport-future-test").load();
        assertThat(newer.migrate().migrationsExecuted).isEqualTo(3);

        try (StateStore store = new JdbcStateStore(ds, db, null)) {
            store.commitWatermark("orders", "sales.orders", 7, "run-7");
            assertThat(store.watermark("orders", "sales.orders")).isEqualTo(OptionalLong.of(7));
            RunRecord run = new RunRecord("orders", "run-7", null, "manual", Instant.parse("2025-03-02T00:00:00Z"),
                    Instant.parse("2025-03-02T00:00:01Z"), "ok", 3, 30, 7L, 7L, List.of("orders/7.csv"),
                    List.of(), null, null);
            store.recordRun(run, null);
            assertThat(store.history("orders", false, 5)).containsExactly(run);
        }
        assertThat(versions(ds)).containsExactly("1", "2", "3");
    }

    @Test
    void aMigrationThatFailsNamesTheStoreOnOneLineAndLeavesTheSchemaAsItWas() throws Exception {
        DataSource ds = pgSource(freshPostgres());
        sql(ds, RELEASE_8C62DD5_DDL);
        sql(ds, List.of("CREATE TABLE flowexport_lease (note VARCHAR(10))")); // someone's table, in V2's way

        assertThatThrownBy(() -> new JdbcStateStore(ds, "pg-store", null)).isInstanceOf(StateStoreException.class)
                .hasMessageStartingWith("cannot prepare the state store pg-store: Failed to execute script "
                        + "V2__runners.sql; SQL State : 42P07; ")
                .hasMessageContaining("Message : ERROR: relation \"flowexport_lease\" already exists; "
                        + "Location : db/flowexport/V2__runners.sql")
                .hasMessageContaining("; Line : 7")
                .hasMessageNotContaining("-X")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // PostgreSQL rolled V2 back whole: no new column, no failed entry; the store stays at version 1
        assertThat(history(ds)).containsExactly(tuple("0", "BASELINE"), tuple("1", "SQL"));
        assertThat(rows(ds, "SELECT column_name FROM information_schema.columns WHERE table_name = 'flowexport_runs' "
                + "AND column_name = 'runner_id'")).isEmpty();

        sql(ds, List.of("DROP TABLE flowexport_lease"));
        new JdbcStateStore(ds, "pg-store", null).close();
        assertThat(history(ds)).containsExactly(tuple("0", "BASELINE"), tuple("1", "SQL"), tuple("2", "SQL"));
    }

    /** A new PostgreSQL database with a unique name, dropped after the test; its URL. */
    private String freshPostgres() throws SQLException {
        String name = "fe_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        databases.add(name);
        return PG_ADMIN_URL.replace("/test", "/" + name);
    }

    /** A pool like the runner's state pool (FlowExportApp): 2 connections, auto-commit. */
    private static HikariDataSource pool(String url) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(PG_USER);
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(10_000);
        return new HikariDataSource(c);
    }

    private static DataSource pgSource(String url) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(PG_USER);
        return ds;
    }

    /** An embedded H2 file database in the temporary directory, with the runner's default settings. */
    private DataSource h2Source() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + tmp.resolve("state").toAbsolutePath() + ";AUTO_SERVER=TRUE;WRITE_DELAY=0");
        return ds;
    }

    private static void sql(DataSource ds, List<String> statements) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    /** Every row of a query, each as its column values. */
    private static List<List<Object>> rows(DataSource ds, String query) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(Collections.unmodifiableList(row));
            }
        }
        return rows;
    }

    /**
     * Our schema history, in order of installation: (version, type), each entry successful. Without the row of type
     * {@code TABLE} that Flyway writes on H2 only when it creates the history table (version null, description
     * {@code << history table creation script >>}).
     */
    private static List<org.assertj.core.groups.Tuple> history(DataSource ds) throws SQLException {
        List<org.assertj.core.groups.Tuple> entries = new ArrayList<>();
        for (List<Object> r : rows(ds, "SELECT \"version\", \"type\", \"success\" FROM \"flowexport_schema_history\" "
                + "WHERE \"type\" <> 'TABLE' ORDER BY \"installed_rank\"")) {
            assertThat(r.get(2)).as("success of version %s", r.get(0)).isEqualTo(Boolean.TRUE);
            entries.add(tuple(r.get(0), r.get(1)));
        }
        return entries;
    }

    /** The versions of the successful migrations in our schema history (no baseline), in order. */
    private static List<String> versions(DataSource ds) throws SQLException {
        return history(ds).stream().filter(t -> !t.toList().get(1).equals("BASELINE"))
                .map(t -> (String) t.toList().get(0)).toList();
    }

    private static long count(DataSource ds, String table) throws SQLException {
        return ((Number) rows(ds, "SELECT COUNT(*) FROM " + table).get(0).get(0)).longValue();
    }

    /** Every state table of version 2 exists and can be read. */
    private static void assertStateTables(DataSource ds) throws SQLException {
        for (String table : List.of("flowexport_watermark", "flowexport_pending", "flowexport_intent",
                "flowexport_runs", "flowexport_lease", "flowexport_trigger", "flowexport_runner")) {
            assertThat(count(ds, table)).as(table).isZero();
        }
        assertThat(rows(ds, "SELECT runner_id, trigger_id, fire_time FROM flowexport_runs")).isEmpty();
    }
}
