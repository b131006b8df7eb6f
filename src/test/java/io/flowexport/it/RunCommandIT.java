package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-running {@code run} command in a child JVM: interval triggers fire through Camel's timer, a disabled
 * trigger does not, invalid flows are left out while the others run, and SIGTERM stops it gracefully. Its log
 * says how long after its write a file came into force only for files changed while it runs.
 */
class RunCommandIT {

    @TempDir
    Path tmp;

    @Test
    void triggersFireAndSigtermStopsGracefully() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_run_it");
        h.sql("CREATE TABLE events (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO events SELECT g, 1 + g / 100 FROM generate_series(1, 500) g");
        h.flow("tick", "id = \"tick\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "file_path = \"tick/events_{run_id}.csv\"\n"
                + "[[triggers]]\ntype = \"interval\"\nevery = \"500ms\"\n"
                + "[[triggers]]\nid = \"nightly\"\ntype = \"schedule\"\nschedule = \"0 1 * * *\"\n"
                + "timezone = \"Europe/Paris\"\n");
        h.flow("off", "id = \"off\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "file_path = \"off/events_{run_id}.csv\"\n"
                + "[[triggers]]\ntype = \"interval\"\nevery = \"500ms\"\nenabled = false\n");
        h.flow("broken", "id = \"broken\"\n[properties.export]\nsource_dataset_id = \"no_such_table\"\n"
                + "file_path = \"broken.csv\"\n");

        Path log = tmp.resolve("run.log");
        List<String> cmd = PackagedJar.command(List.of("-Xmx256m"));
        cmd.addAll(List.of("run", "--flows", h.flows.toString(), "--config", h.config.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // two runs of 'tick', and the broken file reported: a broken file's problems wait for it to settle
            // (FlowReloader), which can be after the second tick
            await().atMost(Duration.ofSeconds(60)).until(() -> h.files().stream()
                    .filter(f -> f.startsWith("tick/") && f.endsWith(".csv")).count() >= 2
                    && Files.readString(log).contains("broken.toml"));
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        }
        String output = Files.readString(log);
        assertThat(output).contains("broken.toml").contains("no_such_table");
        assertThat(output).contains("JVM shutdown hook triggered by SIGTERM");
        assertThat(output).containsPattern("tick +ok +rows=500");
        List<String> files = h.files();
        assertThat(files).noneMatch(f -> f.startsWith("off/")).noneMatch(f -> f.contains(".flowexport-"))
                .noneMatch(f -> f.equals("broken.csv"));
        for (String f : files) {
            assertThat(Files.readAllLines(h.exportDir.resolve(f))).as(f).hasSize(501);
        }
    }

    @Test
    void theLogGivesTheReloadLatencyOnlyForFilesChangedWhileRunning() throws Exception {
        Harness h = Harness.h2(tmp);
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items VALUES (1, 1)");
        // written just before the start: the old log said "in force 7099 ms after the file was written"
        h.flow("early", "id = \"early\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "file_path = \"early.csv\"\n");
        try (LiveProcess live = LiveProcess.start(h)) {
            live.awaitFlowFile("early.toml", f -> "added".equals(f.path("reload").path("result").asText()));
            h.flow("late", "id = \"late\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                    + "file_path = \"late.csv\"\n");
            live.awaitFlowFile("late.toml", f -> "added".equals(f.path("reload").path("result").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> live.log().contains("flow 'late' added"));
            List<String> lines = live.log().lines().toList();
            assertThat(lines).filteredOn(l -> l.contains("flow 'early' added from")).singleElement()
                    .satisfies(l -> assertThat(l).endsWith("; loaded at start").doesNotContain("in force"));
            assertThat(lines).filteredOn(l -> l.contains("flow 'late' added from")).singleElement()
                    .satisfies(l -> assertThat(l).containsPattern("; in force \\d+ ms after the file was written$"));
        }
    }
}
