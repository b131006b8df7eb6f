package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of flow files on a real running runner (the packaged jar's {@code run} in a child JVM, PostgreSQL
 * source), driven through files on disk as an operator does, and observed through the runner's HTTP API and the
 * files it exports.
 */
class HotReloadIT {

    @TempDir
    Path tmp;

    private static String flow(String id, String dataset, String filePath, String extra) {
        return "id = \"" + id + "\"\n" + extra + "[properties.export]\nsource_dataset_id = \"" + dataset + "\"\n"
                + "file_path = \"" + filePath + "\"\n";
    }

    private static String version(String text) {
        return io.flowexport.flow.parse.FlowParser.version(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean active(JsonNode f, String text) {
        return version(text).equals(f.path("active_version").asText());
    }

    @Test
    void addEditBrokenEditFixRenameIdChangeAndDelete() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_reload_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 + g / 100 FROM generate_series(1, 250) g");
        String other = flow("other", "items", "other/{run_id}.csv", "")
                + "[[triggers]]\ntype = \"interval\"\nevery = \"1h\"\n";
        h.flow("other", other);
        int port;
        try (LiveProcess live = LiveProcess.start(h)) {
            JsonNode otherBefore = live.awaitFlowFile("other.toml", f -> active(f, other));
            String otherNextFire = otherBefore.path("triggers").get(0).path("next_fire").asText();

            // add
            String v1 = flow("items", "items", "v1/{run_id}.csv", "");
            h.flow("items", v1);
            assertThat(live.awaitFlowFile("items.toml", f -> active(f, v1)).path("reload").path("result").asText())
                    .isEqualTo("added");
            JsonNode run1 = live.runAndWait("items");
            assertThat(run1.path("status").asText()).isEqualTo("ok");
            assertThat(run1.path("files").get(0).asText()).startsWith("v1/");
            assertThat(run1.path("flow_version").asText()).isEqualTo(version(v1));

            // edit: only this flow changes
            String v2 = flow("items", "items", "v2/{run_id}.csv", "")
                    + "[[triggers]]\nid = \"nightly\"\ntype = \"schedule\"\nschedule = \"0 1 * * *\"\n";
            h.flow("items", v2);
            JsonNode edited = live.awaitFlowFile("items.toml", f -> active(f, v2));
            assertThat(edited.path("reload").path("result").asText()).isEqualTo("replaced");
            assertThat(edited.path("triggers").get(0).path("next_fire").asText()).endsWith("T01:00:00Z");
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("v2/");
            JsonNode otherAfter = live.flowFile("other.toml").orElseThrow();
            assertThat(otherAfter.path("reload").path("result").asText()).isEqualTo("added");
            assertThat(otherAfter.path("triggers").get(0).path("next_fire").asText())
                    .as("the other flow's interval trigger was not restarted").isEqualTo(otherNextFire);

            // broken edit: the last good version keeps running; problems with path:line:col, logged once
            String broken = v2.replace("file_path = \"v2/{run_id}.csv\"", "file_path = \"v3/{run_id}.csv\"\n"
                    + "format = \"csvv\"");
            h.flow("items", broken);
            JsonNode kept = live.awaitFlowFile("items.toml", f -> version(broken).equals(f.path("version").asText()));
            assertThat(kept.path("reload").path("result").asText()).isEqualTo("kept last good version");
            assertThat(kept.path("active_version").asText()).isEqualTo(version(v2));
            assertThat(kept.path("reload").path("problems").get(0).asText())
                    .matches(".*items\\.toml:5:\\d+: properties\\.export\\.format: .*csvv.*");
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("v2/");
            Harness.Outcome status = h.cli("status", "--url", "http://127.0.0.1:" + live.port);
            assertThat(status.code()).as("status exits 1 while a file has problems").isEqualTo(1);
            assertThat(status.out()).contains("items  (").contains("(in force: " + version(v2) + ")")
                    .contains("problem: ").contains("'csvv'").contains("kept last good version");
            // another change elsewhere makes another reload; the broken file's problem is still logged once
            String other2 = other + "# touched\n";
            h.flow("other", other2);
            live.awaitFlowFile("other.toml", f -> active(f, other2));
            await().atMost(Duration.ofSeconds(10)).until(() -> count(live.log(), "items.toml (1 problem") >= 1);
            assertThat(count(live.log(), "items.toml (1 problem")).as("problem logged once").isEqualTo(1);

            // fix
            String v3 = v2.replace("v2/", "v3/");
            h.flow("items", v3);
            JsonNode fixed = live.awaitFlowFile("items.toml", f -> active(f, v3));
            assertThat(fixed.path("reload").path("problems")).isEmpty();
            Harness.Outcome fine = h.cli("status", "--url", "http://127.0.0.1:" + live.port, "items").ok();
            assertThat(fine.out()).contains("reload    replaced").contains("state     idle")
                    .contains("trigger   nightly cron '0 1 * * *' UTC, next ").contains("last run  ");
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("v3/");

            // a new file that claims a flow id already in use: it is not loaded, the flow in force keeps running
            h.flow("dup", v3);
            JsonNode dup = live.awaitFlowFile("dup.toml", f -> !f.path("reload").path("problems").isEmpty());
            assertThat(dup.path("reload").path("result").asText()).isEqualTo("not loaded");
            assertThat(dup.path("reload").path("problems").get(0).asText()).contains("flow id 'items' is also used by");
            assertThat(live.flowFile("items.toml").orElseThrow().path("active_version").asText())
                    .isEqualTo(version(v3));
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("v3/");
            Files.delete(h.flows.resolve("dup.toml"));
            live.awaitFlowFile("items.toml", f -> f.path("reload").path("problems").isEmpty());

            // rename: a removal plus an addition of the same flow id, with a log line
            Files.move(h.flows.resolve("items.toml"), h.flows.resolve("renamed.toml"));
            live.awaitFlowFile("renamed.toml", f -> active(f, v3) && "items".equals(f.path("flow_id").asText()));
            assertThat(live.flowFile("items.toml")).isEmpty();
            assertThat(live.log()).contains("flow 'items' moved from").contains("renamed.toml");
            assertThat(live.runAndWait("items").path("status").asText()).isEqualTo("ok");

            // id change: the old flow goes, the new one comes
            String v4 = v3.replaceFirst("^id = \"items\"", "id = \"items2\"");
            h.flow("renamed", v4);
            live.awaitFlowFile("renamed.toml", f -> active(f, v4));
            assertThat(live.post("/flows/items/run").statusCode()).isEqualTo(404);
            assertThat(live.runAndWait("items2").path("status").asText()).isEqualTo("ok");
            assertThat(live.log()).contains("flow 'items' removed");

            // delete
            Files.delete(h.flows.resolve("renamed.toml"));
            await().atMost(Duration.ofSeconds(30)).until(() -> live.flowFile("renamed.toml").isEmpty());
            assertThat(live.post("/flows/items2/run").statusCode()).isEqualTo(404);
            assertThat(live.log()).contains("flow 'items2' removed");
            assertThat(live.flowFile("other.toml").orElseThrow().path("state").asText()).isEqualTo("idle");
            port = live.port;
        }
        assertThat(h.files()).noneMatch(f -> f.contains(".flowexport-"));
        Harness.Outcome gone = h.cli("status", "--url", "http://127.0.0.1:" + port);
        assertThat(gone.code()).isEqualTo(2);
        assertThat(gone.err()).contains("no runner answers at http://127.0.0.1:" + port);
    }

    @Test
    void editorSavesHalfWrittenFilesAndDeleteKeepsTheWatermark() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_reload_editor_it");
        h.sql("CREATE TABLE feed (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO feed SELECT g, 1 + g / 100 FROM generate_series(1, 250) g");
        String inc = flow("feed", "feed", "feed/{batch_id}.jsonl", "")
                .replace("file_path", "export_mode = \"changes_only\"\nfile_path");
        try (LiveProcess live = LiveProcess.start(h)) {
            // vim-style save: backup file, swap file, write to a temp name, rename over the target
            Files.writeString(h.flows.resolve(".feed.toml.swp"), "binary swap \u0000 garbage");
            Path temp = h.flows.resolve("feed.toml.tmp~");
            Files.writeString(temp, inc);
            Files.move(temp, h.flows.resolve("feed.toml"), StandardCopyOption.ATOMIC_MOVE);
            live.awaitFlowFile("feed.toml", f -> active(f, inc));
            Files.copy(h.flows.resolve("feed.toml"), h.flows.resolve("feed.toml~"));
            assertThat(live.runAndWait("feed").path("batch_range").asText()).isEqualTo("1..3");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

            // a save that arrives in two writes: the runner may see the first half (it keeps the last good
            // version), and ends with the whole file in force
            String inc2 = inc.replace("feed/{batch_id}", "feed2/{batch_id}");
            int cut = inc2.indexOf("[properties.export]") + 5;
            try (var ch = Files.newByteChannel(h.flows.resolve("feed.toml"), java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(inc2.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
                live.awaitFlowFile("feed.toml", f -> !f.path("reload").path("problems").isEmpty());
                assertThat(live.flowFile("feed.toml").orElseThrow().path("active_version").asText())
                        .isEqualTo(version(inc));
                ch.write(java.nio.ByteBuffer.wrap(inc2.substring(cut).getBytes(StandardCharsets.UTF_8)));
            }
            live.awaitFlowFile("feed.toml", f -> active(f, inc2) && f.path("reload").path("problems").isEmpty());
            assertThat(live.status().path("flows")).hasSize(1);

            // delete: triggers gone, watermark kept; putting the file back resumes where it stopped
            Files.delete(h.flows.resolve("feed.toml"));
            await().atMost(Duration.ofSeconds(30)).until(() -> live.flowFile("feed.toml").isEmpty());
            h.sql("INSERT INTO feed SELECT g, 4 FROM generate_series(1001, 1010) g");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));
            h.flow("feed", inc2);
            live.awaitFlowFile("feed.toml", f -> active(f, inc2));
            JsonNode resumed = live.runAndWait("feed");
            assertThat(resumed.path("batch_range").asText()).isEqualTo("4");
            assertThat(resumed.path("rows").asLong()).isEqualTo(10);
        }
        assertThat(h.files()).containsExactly("feed/3.jsonl", "feed2/4.jsonl");
    }

    @Test
    void editDuringARunFinishesUnderTheOldVersionAndRunsDuringReplacementHappenOnce() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_reload_inflight_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 FROM generate_series(1, 100) g",
                // a dataset whose query waits until the test lets it go
                "CREATE VIEW gated AS SELECT i.* FROM items i, (SELECT pg_advisory_xact_lock_shared(4242)) g");
        String g1 = flow("gated", "gated", "gated/v1_{run_id}.csv", "");
        String r0 = flow("often", "items", "often/a_{run_id}.csv", "");
        h.flow("gated", g1);
        h.flow("often", r0);
        try (LiveProcess live = LiveProcess.start(h);
             Connection gate = h.source();
             Statement st = gate.createStatement()) {
            live.awaitFlowFile("gated.toml", f -> active(f, g1));
            st.execute("SELECT pg_advisory_lock(4242)");
            assertThat(live.post("/flows/gated/run").statusCode()).isEqualTo(202);
            live.awaitFlowFile("gated.toml", f -> "running".equals(f.path("state").asText()));

            String g2 = g1.replace("v1_", "v2_");
            h.flow("gated", g2);
            JsonNode during = live.awaitFlowFile("gated.toml", f -> active(f, g2));
            assertThat(during.path("state").asText()).isEqualTo("running");
            assertThat(during.path("run").path("flow_version").asText()).isEqualTo(version(g1));
            assertThat(live.post("/flows/gated/run?wait=true").statusCode()).as("busy").isEqualTo(409);

            st.execute("SELECT pg_advisory_unlock(4242)");
            JsonNode done = live.awaitFlowFile("gated.toml",
                    f -> "idle".equals(f.path("state").asText()) && "ok".equals(f.path("last_run").path("status")
                            .asText()));
            assertThat(done.path("last_run").path("flow_version").asText()).isEqualTo(version(g1));
            assertThat(done.path("last_run").path("files").get(0).asText()).startsWith("gated/v1_");
            JsonNode next = live.runAndWait("gated");
            assertThat(next.path("flow_version").asText()).isEqualTo(version(g2));
            assertThat(next.path("files").get(0).asText()).startsWith("gated/v2_");

            // runs asked for back to back while the flow is replaced again and again: each edit is followed by
            // runs until the edit is in force, so runs begin just before, during and just after each swap; every
            // run happens exactly once, under one version or the other
            List<String> runIds = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                String edit = r0.replace("often/a_", "often/" + (char) ('a' + i % 2) + "_") + "# edit " + i + "\n";
                h.flow("often", edit);
                boolean inForce;
                do {
                    JsonNode r = live.runAndWait("often");
                    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ok");
                    runIds.add(r.path("run_id").asText());
                    inForce = r.path("flow_version").asText().equals(version(edit));
                } while (!inForce);
            }
            assertThat(new HashSet<>(runIds)).hasSameSizeAs(runIds);
            List<String> files = h.files().stream().filter(f -> f.startsWith("often/")).toList();
            assertThat(files).hasSameSizeAs(runIds);
            assertThat(files).anyMatch(f -> f.startsWith("often/a_")).anyMatch(f -> f.startsWith("often/b_"));
            Pattern name = Pattern.compile("often/[ab]_(.+)\\.csv");
            Set<String> filed = new HashSet<>();
            for (String f : files) {
                Matcher m = name.matcher(f);
                assertThat(m.matches()).as(f).isTrue();
                filed.add(m.group(1));
            }
            assertThat(filed).containsExactlyInAnyOrderElementsOf(runIds);
            for (String f : files) {
                assertThat(Files.readAllLines(h.exportDir.resolve(f))).as(f).hasSize(101);
            }
        }
        assertThat(h.files()).noneMatch(f -> f.contains(".flowexport-"));
    }

    @Test
    void aFlowsRouteGetsADeliverStepPerNewDestinationOnceItsRunInProgressEnds() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_reload_steps_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 FROM generate_series(1, 10) g",
                "CREATE VIEW gated AS SELECT i.* FROM items i, (SELECT pg_advisory_xact_lock_shared(4343)) g");
        String one = flow("gated", "gated", "gated/{run_id}.csv", "");
        h.flow("gated", one);
        try (RecordingHttpServer http = new RecordingHttpServer();
             LiveProcess live = LiveProcess.start(h);
             Connection gate = h.source();
             Statement st = gate.createStatement()) {
            live.awaitFlowFile("gated.toml", f -> active(f, one));
            st.execute("SELECT pg_advisory_lock(4343)");
            assertThat(live.post("/flows/gated/run").statusCode()).isEqualTo(202);
            live.awaitFlowFile("gated.toml", f -> "running".equals(f.path("state").asText()));

            // a second destination while the run is in progress: the route keeps its steps until the run ends
            String two = one + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"ingest\"\n"
                    + "url = \"" + http.base() + "/gated/{run_id}\"\n";
            h.flow("gated", two);
            live.awaitFlowFile("gated.toml", f -> active(f, two));
            st.execute("SELECT pg_advisory_unlock(4343)");
            JsonNode first = live.awaitFlowFile("gated.toml", f -> "idle".equals(f.path("state").asText())
                    && "ok".equals(f.path("last_run").path("status").asText())).path("last_run");
            assertThat(first.path("flow_version").asText()).isEqualTo(version(one));
            assertThat(http.received()).isEmpty();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> live.log().contains("flow 'gated': run route built again with deliver steps "
                            + "[ingest, file]"));
            JsonNode next = live.runAndWait("gated");
            assertThat(next.path("status").asText()).as(next.toString()).isEqualTo("ok");
            assertThat(next.path("flow_version").asText()).isEqualTo(version(two));
            assertThat(http.received()).hasSize(1);
            assertThat(http.received().get(0).path()).isEqualTo("/gated/" + next.path("run_id").asText());
        }
        assertThat(h.files()).hasSize(2).noneMatch(f -> f.contains(".flowexport-"));
    }

    @Test
    void aChangedCatalogueEntryReplacesTheFlowsThatUseIt() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_reload_catalogue_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 FROM generate_series(1, 10) g");
        Path catalogue = Files.createDirectories(h.dir.resolve("destinations"));
        Files.writeString(catalogue.resolve("lake.toml"), "type = \"file\"\npath = \"lake/{run_id}.csv\"\n");
        String f = "id = \"items\"\n[properties.export]\nsource_dataset_id = \"items\"\nformat = \"csv\"\n"
                + "[properties.export.destination]\nref = \"lake\"\n";
        h.flow("items", f);
        try (LiveProcess live = LiveProcess.start(h)) {
            live.awaitFlowFile("items.toml", x -> active(x, f));
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("lake/");

            Files.writeString(catalogue.resolve("lake.toml"), "type = \"file\"\npath = \"lake2/{run_id}.csv\"\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> live.log().contains("flow 'items' replaced"));
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("lake2/");

            // a broken entry: the flow keeps its last good version, the status shows the entry's problem
            Files.writeString(catalogue.resolve("lake.toml"), "type = \"file\"\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> live.status().path("destinations").toString()
                    .contains("missing key 'path'"));
            JsonNode kept = live.awaitFlowFile("items.toml",
                    x -> "kept last good version".equals(x.path("reload").path("result").asText()));
            assertThat(kept.path("reload").path("problems").get(0).asText()).contains("catalogue entry 'lake'");
            assertThat(live.runAndWait("items").path("files").get(0).asText()).startsWith("lake2/");
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
