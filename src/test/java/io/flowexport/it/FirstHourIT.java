package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.state.JdbcStateStore;
import io.flowexport.state.RunIntent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets in the first hour, with the packaged jar and the real command line: the version of the
 * jar, unknown flow ids, the target paths {@code check} and {@code plan} print, a source database that refuses
 * or is missing, commands that must not create databases in the working directory, and {@code state show} of a
 * full export.
 */
class FirstHourIT {

    @TempDir
    Path tmp;

    /** {@code java -jar target/flow-export.jar <args>} in {@code dir}; stdout and stderr together. */
    static Harness.Outcome jar(Path dir, String... args) throws IOException, InterruptedException {
        return PackagedJar.run(dir, List.of("-Xmx256m"), java.time.Duration.ofMinutes(2), args);
    }

    @Test
    void thePackagedJarPrintsItsVersion() throws Exception {
        Harness.Outcome v = jar(tmp, "--version");
        assertThat(v.code()).isZero();
        assertThat(v.out().strip()).matches("flow-export \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void aSourceThatRefusesTheLoginOrLacksTheDatabaseIsSaidOncePerCommand() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_first_hour_source");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)");
        for (String id : List.of("a", "b", "c")) {
            h.flow(id, "id = \"" + id + "\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                    + "file_path = \"" + id + ".csv\"\n");
        }
        String password = "Pw-first-hour-5d1c";
        String good = Files.readString(h.config);
        Files.writeString(h.config, good.replace("flowexport.source.username=postgres",
                "flowexport.source.username=nosuchuser") + "flowexport.source.password=" + password + "\n");
        String said = "the source database jdbc:postgresql://127.0.0.1:5432/test?currentSchema=fe_first_hour_source "
                + "refused the login (SQLState 28000: FATAL: role \"nosuchuser\" does not exist); check the user and "
                + "password: flowexport.source.username";
        String perFlow = "properties.export.source_dataset_id: not checked: the source database refused the login "
                + "(see above)";

        Harness.Outcome validate = h.cli("validate");
        assertThat(validate.code()).isEqualTo(1);
        assertThat(count(validate.out(), said)).as(validate.out()).isEqualTo(1);
        assertThat(validate.out().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith(said));
        assertThat(count(validate.out(), perFlow)).as(validate.out()).isEqualTo(3);
        Harness.Outcome once = h.cli("run-once", "--all");
        assertThat(once.code()).isEqualTo(1);
        assertThat(count(once.err(), said)).as(once.err()).isEqualTo(1);
        assertThat(count(once.err(), perFlow)).as(once.err()).isEqualTo(3);
        Harness.Outcome plan = h.cli("plan", "b");
        assertThat(plan.code()).isEqualTo(1);
        assertThat(count(plan.err(), said)).as(plan.err()).isEqualTo(1);
        Harness.Outcome check = h.cli("check", "--all").ok();
        assertThat(count(check.err(), said)).as(check.err()).isEqualTo(1);
        assertThat(check.err()).contains("the flows' datasets are not checked, their destinations are");
        String all = validate.out() + validate.err() + once.out() + once.err() + plan.out() + plan.err()
                + check.out() + check.err();
        assertThat(all).doesNotContain("unreachable").doesNotContain("check the connection settings")
                .doesNotContain(password);

        Files.writeString(h.config, good.replace("5432/test?", "5432/nosuchdb?"));
        Harness.Outcome missing = h.cli("validate");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(count(missing.out(), "does not exist on its server (SQLState 3D000: FATAL: database \"nosuchdb\" "
                + "does not exist); check the database name in flowexport.source.url")).as(missing.out()).isEqualTo(1);
        assertThat(count(missing.out(), "not checked: the source database does not exist (see above)")).isEqualTo(3);
    }

    @Test
    void onlyRunningFlowsCreatesTheDemoDatabaseInTheWorkingDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("elsewhere"));
        Path flows = Files.createDirectories(dir.resolve("flows"));
        for (String demo : List.of("daily_orders_export", "orders_batch_42", "orders_full_csv")) {
            Files.copy(Path.of("flows", demo + ".toml"), flows.resolve(demo + ".toml"));
        }
        Path demoDb = dir.resolve("data").resolve("demo.mv.db").toAbsolutePath();
        Path stateDb = dir.resolve("data").resolve("state.mv.db");
        String missing = "the demo database " + demoDb + " does not exist yet: `run-once --all` (or `run`) in this "
                + "directory creates it";

        Harness.Outcome validate = jar(dir, "validate");
        assertThat(validate.code()).isEqualTo(1);
        assertThat(count(validate.out(), missing)).as(validate.out()).isEqualTo(1);
        assertThat(validate.out()).contains("not checked: the demo database does not exist yet (see above)");
        Harness.Outcome plan = jar(dir, "plan", "orders_batch_42");
        assertThat(plan.code()).isEqualTo(1);
        assertThat(plan.err()).contains(missing);
        Harness.Outcome check = jar(dir, "check", "--all");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.err()).contains(missing);
        assertThat(jar(dir, "routes").code()).isZero();
        Harness.Outcome history = jar(dir, "history");
        assertThat(history.code()).isZero();
        assertThat(history.out()).contains("no runs in the history: the state database "
                + stateDb.toAbsolutePath() + " does not exist yet (the first run creates it)");
        assertThat(jar(dir, "state", "show", "orders_full_csv").code()).isZero();
        assertThat(demoDb).as("no command but run-once and run creates the demo database").doesNotExist();
        assertThat(stateDb).as("commands that only read state create no state database").doesNotExist();

        Harness.Outcome once = jar(dir, "run-once", "--all");
        assertThat(once.code()).as(once.out() + once.err()).isZero();
        assertThat(once.err()).contains("created the demo database " + demoDb + " with its datasets");
        assertThat(demoDb).exists();
        assertThat(stateDb).exists();
        Harness.Outcome again = jar(dir, "validate");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).doesNotContain("demo database");
    }

    private static Harness itemsAndFlows(Path dir) throws Exception {
        Harness h = Harness.h2(dir);
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items VALUES (1, 41), (2, 42), (3, 42)");
        h.flow("orders_incremental", "id = \"orders_incremental\"\n[properties.export]\n"
                + "source_dataset_id = \"items\"\nexport_mode = \"incremental\"\nfile_path = \"inc/orders_{batch_id}.csv\"\n");
        h.flow("orders_full", "id = \"orders_full\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "export_mode = \"full\"\nfile_path = \"full/orders.csv\"\n");
        h.flow("orders_batch", "id = \"orders_batch\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "export_mode = \"batch\"\nbatch_id = 42\nfile_path = \"batch/orders_{batch_id}.csv\"\n");
        return h;
    }

    @Test
    void stateOfAnUnknownFlowIsAnErrorWithTheNearestKnownId() throws Exception {
        Harness h = itemsAndFlows(tmp);
        Harness.Outcome show = h.cli("state", "show", "orders_incremntal");
        assertThat(show.code()).isEqualTo(1);
        assertThat(show.out()).isEmpty();
        assertThat(show.err()).contains("flow 'orders_incremntal' is unknown: no flow file in " + h.flows
                + " declares it and the state store has no record of it; did you mean 'orders_incremental'?");
        Harness.Outcome reset = h.cli("state", "reset", "orders_incremntal");
        assertThat(reset.code()).isEqualTo(1);
        assertThat(reset.err()).contains("did you mean 'orders_incremental'?");
        assertThat(h.cli("state", "reset", "zzz").err()).contains("; known flows: orders_batch, orders_full, "
                + "orders_incremental");
        assertThat(h.dir.resolve("state.mv.db")).as("nothing recorded, no state database created").doesNotExist();
        Harness.Outcome plan = h.cli("plan", "orders_incremntal");
        assertThat(plan.code()).isEqualTo(1);
        assertThat(plan.err()).contains("flow 'orders_incremntal': no flow with this id; did you mean "
                + "'orders_incremental'?");

        // a flow whose file was deleted is known by its records: it can still be shown and reset
        h.cli("run-once", "orders_incremental").ok();
        Files.delete(h.flows.resolve("orders_incremental.toml"));
        assertThat(h.cli("state", "show", "orders_incremental").ok().out())
                .contains("flow:         orders_incremental (no valid flow file declares it now)")
                .contains("watermark:    batch 42 (dataset items");
        assertThat(h.cli("state", "reset", "orders_incremental").ok().out())
                .contains("watermark removed (was 42)");
        assertThat(h.cli("history", "--json").ok().out()).doesNotContain("orders_incremntal").doesNotContain("zzz");
    }

    @Test
    void stateOfFullAndBatchFlowsTellsTheLastFileNotAWatermark() throws Exception {
        Harness h = itemsAndFlows(tmp);
        h.cli("run-once", "orders_full", "orders_batch").ok();
        String full = h.cli("state", "show", "orders_full").ok().out();
        assertThat(full).contains("mode:         full: keeps no watermark; each run exports the whole dataset")
                .containsPattern("last run: +run \\S+ ok at \\S+ \\(manual\\), rows=3, files: full/orders.csv")
                .containsPattern("last file: +full/orders.csv \\(run \\S+ at \\S+, 3 rows\\)")
                .containsPattern("file 'file': has the file of run \\S+ \\(full/orders.csv, published at ")
                .doesNotContain("watermark:").doesNotContain("first batch").doesNotContain("nothing recorded");
        String batch = h.cli("state", "show", "orders_batch").ok().out();
        assertThat(batch).contains("mode:         batch: keeps no watermark; each run exports batch 42")
                .containsPattern("last file: +batch/orders_42.csv")
                .doesNotContain("watermark:").doesNotContain("first batch").doesNotContain("nothing recorded");
        assertThat(h.cli("state", "reset", "orders_full").ok().out()).contains("nothing to rewind: export_mode = "
                + "\"full\" keeps no watermark").doesNotContain("first batch");
        // incremental flows keep talking about their watermark
        h.cli("run-once", "orders_incremental").ok();
        assertThat(h.cli("state", "show", "orders_incremental").ok().out())
                .contains("watermark:    batch 42").doesNotContain("mode:").doesNotContain("last file:");
    }

    @Test
    void checkAndPlanShowTheTargetPathOfTheNextRun() throws Exception {
        Harness h = itemsAndFlows(tmp);
        String check = h.cli("check", "orders_batch", "orders_incremental").ok().out();
        assertThat(check).contains("file 'file': batch/orders_{batch_id}.csv -> batch/orders_42.csv\n")
                .contains("file 'file': inc/orders_{batch_id}.csv -> inc/orders_{batch_id}.csv  ({batch_id}: the "
                        + "highest batch a run reads; checked with 0)")
                .doesNotContain("orders_0.csv");
        assertThat(h.cli("plan", "orders_batch").ok().out())
                .contains("destination: file 'file': batch/orders_{batch_id}.csv -> batch/orders_42.csv\n");
        assertThat(h.cli("plan", "orders_incremental").ok().out()).contains("destination: file 'file': "
                + "inc/orders_{batch_id}.csv -> inc/orders_42.csv\n");
        assertThat(h.cli("plan", "orders_full").ok().out())
                .contains("destination: file 'file': full/orders.csv -> full/orders.csv\n");

        h.cli("run-once", "orders_incremental").ok();
        assertThat(h.files()).contains("inc/orders_42.csv");
        assertThat(h.cli("plan", "orders_incremental").ok().out()).contains("inc/orders_{batch_id}.csv, {batch_id} "
                + "= the highest batch the run reads (above watermark 42)\n");

        // a run to replay: the next run writes the interrupted run's names, batch_id included
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h.stateUrl);
        try (JdbcStateStore state = new JdbcStateStore(ds, "test", null)) {
            state.saveIntent(new RunIntent("orders_incremental", "items", "20261121T000000Z-abcdef", 41L, 41L,
                    Map.of("batch_id", "41", "run_id", "20261121T000000Z-abcdef", "flow_id", "orders_incremental",
                            "namespace", "public", "ds", "2026-11-21", "ds_nodash", "20261121",
                            "ts", "2026-11-21T00:00:00+00:00", "ts_nodash", "20261121T000000"), Instant.now()));
        }
        assertThat(h.cli("plan", "orders_incremental").ok().out())
                .contains("destination: file 'file': inc/orders_{batch_id}.csv -> inc/orders_41.csv\n");
    }
}
