package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code if_exists}: what a publish does when a file of the target's name already exists, through the real command
 * line. The reported story first: after {@code state reset --to 42} the re-export of batches 43..44 was published
 * over the earlier {@code orders_incremental_44.csv} (60 rows replaced by 20, silently); now the run fails and
 * keeps the earlier file, unless the flow says {@code if_exists = "overwrite"}. An identical re-export is no
 * conflict, full exports replace their snapshot, a flow with other destinations refuses before any destination
 * gets the file, and a replay of the flow's own interrupted run may replace the file it published.
 */
class IfExistsIT {

    private static final String DAILY = "exports/daily/orders_incremental_44.csv";

    @TempDir
    Path tmp;

    @Test
    void theReportedStoryTheReExportAfterAResetKeepsTheEarlierFileUnlessTheFlowSaysOverwrite() throws Exception {
        Harness h = Harness.demo(tmp);
        String flow = Files.readString(Path.of("flows", "daily_orders_export.toml"));
        Path flowFile = h.flow("daily_orders_export", flow);
        Harness.Outcome first = h.cli("run-once", "daily_orders_export").ok();
        assertThat(first.out()).contains("rows=60").contains("file=" + DAILY).contains("batches=40..44");
        byte[] earlier = Files.readAllBytes(h.exportDir.resolve(DAILY));
        assertThat(h.watermark("daily_orders_export")).hasValue(44);

        assertThat(h.cli("state", "reset", "daily_orders_export", "--to", "42").ok().out())
                .contains("watermark set to 42 (was 44)");
        assertThat(h.cli("plan", "daily_orders_export").ok().out())
                .contains("if_exists:   fail (the incremental default)")
                .contains("target:      file 'file' -> " + DAILY + ": exists (" + earlier.length + " bytes); the run "
                        + "will fail unless its content is the same");

        Harness.Outcome refused = h.cli("run-once", "daily_orders_export");
        assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.out()).containsPattern("daily_orders_export +failed +rows=0 bytes=0 file=-")
                .contains("flow 'daily_orders_export': " + h.exportDir.resolve(DAILY).toAbsolutePath()
                        + " already exists with other content (" + earlier.length + " bytes there; this export: ")
                .contains("and if_exists = \"fail\" (the default of export_mode \"incremental\"), so it was left as "
                        + "it is; nothing was published and the watermark stays at batch 42; move or delete that "
                        + "file (it holds an earlier export), or set if_exists = \"overwrite\" in "
                        + "[properties.export] of " + flowFile);
        assertThat(Files.readAllBytes(h.exportDir.resolve(DAILY))).as("the earlier file, intact").isEqualTo(earlier);
        assertThat(h.csv(DAILY)).hasSize(60);
        assertThat(h.files()).as("no temporary file left").containsExactly(DAILY);
        assertThat(h.watermark("daily_orders_export")).as("where the reset put it").hasValue(42);
        assertThat(h.cli("state", "show", "daily_orders_export").ok().out()).contains("in flight:    none");
        assertThat(h.cli("history", "daily_orders_export", "--failed").ok().out())
                .contains("already exists with other content");

        h.flow("daily_orders_export", flow.replace("export_mode = \"incremental\"\n",
                "export_mode = \"incremental\"\nif_exists = \"overwrite\"\n"));
        assertThat(h.cli("plan", "daily_orders_export").ok().out())
                .contains("if_exists:   overwrite (set in the flow)")
                .contains(": exists (" + earlier.length + " bytes); it will be replaced");
        Harness.Outcome replaced = h.cli("run-once", "daily_orders_export").ok();
        assertThat(replaced.out()).containsPattern("daily_orders_export +ok +rows=20 ")
                .contains("batches=43..44")
                .contains(DAILY + ": replaced an existing file of " + earlier.length + " bytes");
        assertThat(h.csv(DAILY)).hasSize(20);
        assertThat(h.watermark("daily_orders_export")).hasValue(44);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anIdenticalReExportIsNoConflictAChangedOneFailsAndOtherFlowsRun(String db) throws Exception {
        Harness h = db.equals("h2") ? Harness.h2(tmp) : Harness.postgres(tmp, "fe_if_exists_it");
        h.sql("CREATE TABLE cf (id INTEGER NOT NULL, name VARCHAR(20), xt_record_type VARCHAR(16) NOT NULL, "
                        + "xt_batch_id BIGINT NOT NULL, PRIMARY KEY (xt_batch_id, id))",
                "INSERT INTO cf VALUES (1, 'a', 'new', 1), (2, 'b', 'new', 2)");
        h.flow("inc", "id = \"inc\"\n[properties.export]\nsource_dataset_id = \"cf\"\nexport_mode = \"incremental\"\n"
                + "file_path = \"inc/cf_{batch_id}.csv\"\n");
        h.flow("snap", "id = \"snap\"\n[properties.export]\nsource_dataset_id = \"cf\"\nfile_path = \"snap/cf.csv\"\n");
        h.flow("kept", "id = \"kept\"\n[properties.export]\nsource_dataset_id = \"cf\"\nfile_path = \"kept/cf.csv\"\n"
                + "if_exists = \"fail\"\n");
        h.cli("run-once", "--all").ok();
        h.sql("INSERT INTO cf VALUES (3, 'c', 'new', 3), (4, 'd', 'new', 4), (1, 'a2', 'changed', 4)");
        assertThat(h.cli("run-once", "inc").ok().out()).contains("rows=3").contains("file=inc/cf_4.csv")
                .contains("batches=3..4");
        Path file = h.exportDir.resolve("inc/cf_4.csv");
        byte[] earlier = Files.readAllBytes(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000_000L));

        h.cli("state", "reset", "inc", "--to", "2").ok();
        Harness.Outcome same = h.cli("run-once", "inc").ok();
        assertThat(same.out()).containsPattern("inc +ok +rows=3 bytes=" + earlier.length + " file=inc/cf_4.csv "
                + "batches=3..4 ").contains("inc/cf_4.csv: already there with the same " + earlier.length
                + " bytes; left as it was");
        assertThat(Files.getLastModifiedTime(file).toMillis()).as("not written again").isEqualTo(1_000_000_000_000L);
        assertThat(h.watermark("inc")).hasValue(4);

        h.cli("state", "reset", "inc", "--to", "2").ok();
        h.sql("INSERT INTO cf VALUES (5, 'late', 'new', 4)"); // the source changed: batch 4 has a row more
        Harness.Outcome both = h.cli("run-once", "--all");
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.out()).containsPattern("inc +failed +rows=0 bytes=0 file=- ")
                .contains(file.toAbsolutePath() + " already exists with other content (" + earlier.length
                        + " bytes there; this export: ")
                .contains("the watermark stays at batch 2");
        assertThat(both.out()).as("a full export replaces its snapshot by default")
                .containsPattern("snap +ok +rows=6 .* snap/cf.csv: replaced an existing file of \\d+ bytes");
        assertThat(h.csvColumn("snap/cf.csv", "name")).contains("late");
        assertThat(both.out()).as("a full export that says if_exists = \"fail\" keeps its earlier snapshot")
                .containsPattern("kept +failed +rows=0 ")
                .contains("kept/cf.csv already exists with other content")
                .contains("and if_exists = \"fail\" (set in the flow), so it was left as it is; nothing was published; "
                        + "move or delete that file");
        assertThat(h.csvColumn("kept/cf.csv", "name")).containsExactly("a", "b");
        assertThat(Files.readAllBytes(file)).isEqualTo(earlier);
        assertThat(h.watermark("inc")).hasValue(2);
        assertThat(h.files()).containsExactly("inc/cf_2.csv", "inc/cf_4.csv", "kept/cf.csv", "snap/cf.csv");
    }

    @Test
    void aFlowWithOtherDestinationsRefusesBeforeAnyDestinationGetsTheFile() throws Exception {
        Harness h = Harness.h2(tmp);
        h.sql("CREATE TABLE cf (id INTEGER NOT NULL, xt_record_type VARCHAR(16) NOT NULL, xt_batch_id BIGINT NOT NULL, "
                        + "PRIMARY KEY (xt_batch_id, id))",
                "INSERT INTO cf VALUES (1, 'new', 1), (2, 'new', 1)");
        try (RecordingHttpServer http = new RecordingHttpServer()) {
            h.flow("two", "id = \"two\"\n[properties.export]\nsource_dataset_id = \"cf\"\n"
                    + "export_mode = \"changes_only\"\nfile_path = \"two/{batch_id}.jsonl\"\n"
                    + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"ingest\"\nurl = \"" + http.base()
                    + "/two/{batch_id}\"\n"
                    + "[[properties.export.destinations]]\ntype = \"file\"\nname = \"mirror\"\n"
                    + "path = \"mirror/{batch_id}.jsonl\"\n");
            Path foreign = Files.createDirectories(h.exportDir.resolve("mirror")).resolve("1.jsonl");
            Files.writeString(foreign, "someone else's file\n");

            Harness.Outcome refused = h.cli("run-once", "two");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.out()).contains("mirror/1.jsonl already exists with other content (20 bytes there; ")
                    .contains("if_exists = \"fail\" (the default of export_mode \"changes_only\")")
                    .contains("the flow still has no watermark");
            assertThat(http.received()).as("the HTTP destination got nothing").isEmpty();
            assertThat(h.files()).as("file_path's destination got nothing either").containsExactly("mirror/1.jsonl");
            assertThat(foreign).hasContent("someone else's file");
            assertThat(h.cli("state", "show", "two").ok().out()).contains("in flight:    none")
                    .contains("pending:      none");

            Files.delete(foreign);
            assertThat(h.cli("run-once", "two").ok().out()).contains("batches=1 ");
            assertThat(http.received()).hasSize(1);
            assertThat(Files.readAllBytes(foreign)).isEqualTo(Files.readAllBytes(h.exportDir.resolve("two/1.jsonl")))
                    .isEqualTo(http.received().get(0).body());
        }
    }

    @Test
    void aReplayOfTheFlowsInterruptedRunReplacesTheFileItPublished() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_if_exists_replay_it");
        h.sql("CREATE TABLE cf (id INTEGER NOT NULL, name TEXT, xt_record_type VARCHAR(16) NOT NULL, "
                        + "xt_batch_id BIGINT NOT NULL, PRIMARY KEY (xt_batch_id, id))",
                "INSERT INTO cf VALUES (1, 'a', 'new', 1), (2, 'b', 'new', 2)");
        h.flow("replayed", "id = \"replayed\"\n[properties.export]\nsource_dataset_id = \"cf\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"r/{batch_id}.csv\"\n");
        try (ChildJvm crashed = ChildJvm.start(h, h.dir.resolve("crash.log"),
                List.of("flowexport.crash.at=after-publish"), "run-once", "replayed")) {
            assertThat(crashed.exitCode()).as("exit code; log:%n%s", crashed.log()).isEqualTo(137);
        }
        Files.deleteIfExists(h.dir.resolve("state.lock.db")); // the crashed JVM's
        Path file = h.exportDir.resolve("r/2.csv");
        assertThat(h.csvColumn("r/2.csv", "id")).as("the interrupted run published").containsExactly("1", "2");
        assertThat(h.watermark("replayed")).isEmpty();
        assertThat(h.cli("plan", "replayed").ok().out()).contains("target:      file 'file' -> r/2.csv: exists ("
                + Files.size(file) + " bytes); the replay of run ")
                .contains("replaces it (the interrupted run published it)");

        h.sql("INSERT INTO cf VALUES (3, 'late', 'new', 2)"); // a late row inside the interrupted run's range
        Harness.Outcome replay = h.cli("run-once", "replayed").ok();
        assertThat(replay.out()).containsPattern("replayed +ok +rows=3 ").contains("file=r/2.csv")
                .contains("replayed run ").contains("r/2.csv: replaced an existing file of ");
        assertThat(h.csvColumn("r/2.csv", "id")).containsExactly("1", "2", "3");
        assertThat(h.watermark("replayed")).hasValue(2);
    }
}
