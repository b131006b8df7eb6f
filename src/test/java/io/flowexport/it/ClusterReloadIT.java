package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowexport.flow.parse.FlowParser;
import io.flowexport.it.ClusterRunners.Firings;
import io.flowexport.it.ClusterRunners.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow edited or deleted on every machine of a cluster stops running in its old form everywhere. Three
 * {@code run} processes share one PostgreSQL state store; each has its own flows directory holding copies of the
 * same files (as if deployed to three machines), rescanned every second. While they run, one flow is edited (its
 * interval goes from 1 s to 2 s and its file name changes) and another deleted, in each runner's directory in
 * turn, a second apart (a rolling deployment).
 *
 * <p>Proves, from the run history: the deleted flow has no run that started later than {@value #MARGIN_SECONDS}
 * s after the last runner's deletion; every run of the edited flow that started later than that after the last
 * runner's edit has the new {@code flow_version} (the content hash, computed as the runner does by
 * {@link FlowParser#version}), fires at multiples of the new interval and writes the new file name, and there are
 * such runs (the flow goes on in its new form); the old version ran before the edit; an untouched flow runs
 * throughout; each firing ran at most once and no two runs of a flow overlapped, through the reloads.
 */
class ClusterReloadIT {

    private static final int MARGIN_SECONDS = 3;
    private static final Duration MARGIN = Duration.ofSeconds(MARGIN_SECONDS);

    @TempDir
    Path tmp;

    private static String flow(String id, String every, String filePath) {
        return "id = \"" + id + "\"\n[properties.export]\nsource_dataset_id = \"reload_items\"\n"
                + "export_mode = \"full\"\nfile_path = \"" + filePath + "\"\n"
                + "[[triggers]]\nid = \"tick\"\ntype = \"interval\"\nevery = \"" + every + "\"\n";
    }

    private static String version(String toml) {
        return FlowParser.version(toml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEditAndADeletionOnEveryRunnerStopTheOldVersionEverywhere() throws Exception {
        long started = System.nanoTime();
        String steady = flow("steady", "1s", "reload/steady.csv");
        String before = flow("edit_me", "1s", "reload/edit_me.csv");
        String after = flow("edit_me", "2s", "reload/edit_me_v2.csv");
        String doomed = flow("delete_me", "1s", "reload/delete_me.csv");
        try (ClusterRunners cluster = new ClusterRunners(tmp, "ClusterReloadIT", "cluster_reload_it")) {
            cluster.source.sql("CREATE TABLE reload_items (id integer PRIMARY KEY, note text NOT NULL)",
                    "INSERT INTO reload_items SELECT g, 'item ' || g FROM generate_series(1, 20) g");
            for (String id : List.of("r1", "r2", "r3")) {
                cluster.add(id, "flowexport.reload.rescan=1s", "flowexport.reload.quiet=200ms");
            }
            cluster.writeFlow("steady", steady);
            cluster.writeFlow("edit_me", before);
            cluster.writeFlow("delete_me", doomed);
            cluster.start("r1", "r2", "r3");
            cluster.printClusterStatus("r1");
            await("the three flows run").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        List<Run> runs = cluster.history();
                        return List.of("steady", "edit_me", "delete_me").stream().allMatch(f -> runs.stream()
                                .filter(r -> r.flowId().equals(f) && !r.skipped()).count() >= 2);
                    });

            // a rolling deployment: each machine in turn gets the edited flow and loses the deleted one
            Map<String, Instant> changed = new LinkedHashMap<>();
            for (ClusterRunners.Runner r : cluster.runners()) {
                Files.writeString(r.h.flows.resolve("edit_me.toml"), after);
                Files.delete(r.h.flows.resolve("delete_me.toml"));
                changed.put(r.id, Instant.now());
                System.out.println("reload: edited edit_me and deleted delete_me in " + r.id + "'s flows at "
                        + changed.get(r.id));
                if (!r.id.equals("r3")) {
                    Thread.sleep(1_000); // the deployment's pace
                }
            }
            Instant lastChange = changed.get("r3");
            Instant settled = lastChange.plus(MARGIN);
            for (ClusterRunners.Runner r : cluster.runners()) {
                await(r.id + " has reloaded").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> reloaded(cluster.status(r.id), version(after)));
            }
            System.out.println("reload: every runner reports the new edit_me and no delete_me "
                    + Duration.between(lastChange, Instant.now()).toMillis() + " ms after the last change");
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), settled.plusSeconds(12)).toMillis()));
            cluster.printClusterStatus("r2");
            cluster.stopAll();

            List<Run> runs = cluster.history();
            Firings firings = ClusterRunners.firings(runs);
            List<String> overlaps = ClusterRunners.overlaps(runs);
            List<Run> deletedLate = runs.stream().filter(r -> r.flowId().equals("delete_me")
                    && r.startedAt().isAfter(settled)).toList();
            List<Run> editedLate = runs.stream().filter(r -> r.flowId().equals("edit_me")
                    && r.startedAt().isAfter(settled)).toList();
            List<String> oldForm = new ArrayList<>();
            for (Run r : editedLate) {
                if (!version(after).equals(r.flowVersion())) {
                    oldForm.add("version " + r.flowVersion() + ": " + r);
                } else if (r.fireTime() != null && Instant.parse(r.fireTime()).toEpochMilli() % 2000 != 0) {
                    oldForm.add("fire time not a multiple of the new interval 2 s: " + r);
                } else if ("ok".equals(r.status()) && !r.files().equals(List.of("reload/edit_me_v2.csv"))) {
                    oldForm.add("files " + r.files() + ", not the new name: " + r);
                }
            }
            Map<String, Long> versions = new TreeMap<>();
            for (Run r : runs) {
                if (r.flowId().equals("edit_me")) {
                    String v = String.valueOf(r.flowVersion());
                    versions.merge((v.equals(version(before)) ? "old " : v.equals(version(after)) ? "new "
                            : "other ") + v, 1L, Long::sum);
                }
            }
            long newRuns = editedLate.stream().filter(r -> !r.skipped()).count();
            long steadyRuns = runs.stream().filter(r -> r.flowId().equals("steady") && !r.skipped()
                    && r.startedAt().isAfter(settled)).count();
            Instant lastDeletedRun = runs.stream().filter(r -> r.flowId().equals("delete_me")).map(Run::startedAt)
                    .max(Instant::compareTo).orElse(null);

            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n=== cluster reload (%.0f s) ===%n",
                    (System.nanoTime() - started) / 1e9));
            sb.append(String.format(Locale.ROOT, "%-48s %s%n", "changes (edit + delete) per runner", changed));
            sb.append(String.format(Locale.ROOT, "%-48s %s%n", "edit_me runs per version", versions));
            sb.append(String.format(Locale.ROOT, "%-48s %d%n", "edit_me runs (new form) after change + margin", newRuns));
            sb.append(String.format(Locale.ROOT, "%-48s %d%n", "edit_me runs in the old form after that",
                    oldForm.size()));
            sb.append(String.format(Locale.ROOT, "%-48s %s (%d after change + margin)%n", "delete_me's last run start",
                    lastDeletedRun, deletedLate.size()));
            sb.append(String.format(Locale.ROOT, "%-48s %d%n", "steady runs after change + margin", steadyRuns));
            sb.append(String.format(Locale.ROOT, "%-48s %d run, %d skipped, %d more than once%n", "firings",
                    firings.run(), firings.skipped(), firings.twice().size()));
            sb.append(String.format(Locale.ROOT, "%-48s %d%n", "runs overlapping another run of the flow",
                    overlaps.size()));
            sb.append(String.format(Locale.ROOT, "%-48s %s%n", "runs per runner (not skipped)",
                    ClusterRunners.runsPerRunner(runs)));
            ClusterRunners.summary("cluster-reload-summary.txt", sb.toString());

            assertThat(deletedLate).as("runs of delete_me that started more than %d s after the last runner's "
                    + "deletion (%s)", MARGIN_SECONDS, lastChange).isEmpty();
            assertThat(oldForm).as("runs of edit_me in the old form more than %d s after the last runner's edit "
                    + "(%s); new version %s", MARGIN_SECONDS, lastChange, version(after)).isEmpty();
            assertThat(newRuns).as("runs of edit_me in its new form after the edit").isGreaterThanOrEqualTo(3);
            assertThat(versions).as("edit_me's runs per version").containsKey("old " + version(before));
            assertThat(steadyRuns).as("runs of the untouched flow after the changes").isGreaterThanOrEqualTo(5);
            ClusterRunners.assertOnce(firings);
            ClusterRunners.assertNoOverlap(overlaps);
        }
    }

    /** The runner's /status has edit_me at {@code version} and no longer lists delete_me. */
    private static boolean reloaded(JsonNode status, String version) {
        boolean edited = false;
        for (JsonNode f : status.path("flows")) {
            if (f.path("flow_id").asText().equals("delete_me")) {
                return false;
            }
            if (f.path("flow_id").asText().equals("edit_me")) {
                edited = version.equals(f.path("active_version").asText());
            }
        }
        return edited;
    }
}
