package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.OptionalLong;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while runs are in progress (one on PostgreSQL's COPY path, one on its binary COPY path and one on the
 * JDBC stream path, all held inside the database) and while flow and route files are being changed: the runner
 * gives the runs the grace period, aborts them, and exits, leaving no partial or temporary file and no moved
 * watermark.
 */
class ShutdownIT {

    @TempDir
    Path tmp;

    @Test
    void sigtermDuringRunsAndReloadsLeavesNoPartialOrTemporaryFiles() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_shutdown_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 + g / 1000 FROM generate_series(1, 5000) g",
                "CREATE VIEW gated AS SELECT i.* FROM items i, (SELECT pg_advisory_xact_lock_shared(4343)) g",
                // an interval has no binary COPY decoding: this view's exports take the JDBC stream
                "CREATE VIEW gated_span AS SELECT g.*, interval '1 day' AS span FROM gated g");
        h.flow("by_copy", "id = \"by_copy\"\n[properties.export]\nsource_dataset_id = \"gated\"\n"
                + "file_path = \"copy/{batch_id}.csv\"\nexport_mode = \"incremental\"\n");
        h.flow("by_binary", "id = \"by_binary\"\n[properties.export]\nsource_dataset_id = \"gated\"\n"
                + "file_path = \"binary/{batch_id}.json\"\nexport_mode = \"incremental\"\nformat = \"json\"\n");
        h.flow("by_stream", "id = \"by_stream\"\n[properties.export]\nsource_dataset_id = \"gated_span\"\n"
                + "file_path = \"stream/{batch_id}.json\"\nexport_mode = \"incremental\"\nformat = \"json\"\n");
        assertThat(h.cli("plan", "by_binary").out())
                .contains("export path: PostgreSQL COPY ... TO STDOUT (FORMAT binary)");
        assertThat(h.cli("plan", "by_stream").out()).contains("export path: generic (JDBC stream");
        int code;
        String log;
        try (Connection gate = h.source(); Statement st = gate.createStatement()) {
            st.execute("SELECT pg_advisory_lock(4343)");
            LiveProcess live = LiveProcess.start(h, "flowexport.shutdown.grace=1s");
            try (live) {
                live.awaitFlowFile("by_stream.toml", f -> "idle".equals(f.path("state").asText()));
                assertThat(live.post("/flows/by_copy/run").statusCode()).isEqualTo(202);
                assertThat(live.post("/flows/by_stream/run").statusCode()).isEqualTo(202);
                assertThat(live.post("/flows/by_binary/run").statusCode()).isEqualTo(202);
                live.awaitFlowFile("by_copy.toml", f -> "running".equals(f.path("state").asText()));
                live.awaitFlowFile("by_binary.toml", f -> "running".equals(f.path("state").asText()));
                live.awaitFlowFile("by_stream.toml", f -> "running".equals(f.path("state").asText()));
                // reloads in progress at the stop: a flow edit and a new route file
                h.flow("by_stream", Files.readString(h.flows.resolve("by_stream.toml")) + "# edited\n");
                Files.writeString(live.routes.resolve("late.yaml"),
                        "- route:\n    from:\n      uri: timer:late?period=100\n      steps:\n        - log: late\n");
                code = live.stop();
                log = live.log();
            }
        }
        assertThat(log).contains("JVM shutdown hook triggered by SIGTERM");
        assertThat(log).containsPattern("by_copy +failed .*run stopped \\(the runner is stopping\\)");
        assertThat(log).containsPattern("by_stream +failed .*run stopped \\(the runner is stopping\\)");
        assertThat(log).containsPattern("by_binary +failed .*run stopped \\(the runner is stopping\\)");
        assertThat(code).as("exit code after SIGTERM (128 + 15, as for any JVM); log:%n%s", log).isEqualTo(143);
        assertThat(h.files()).as("no partial, temporary or published file").isEmpty();
        assertThat(h.watermark("by_copy")).isEqualTo(OptionalLong.empty());
        assertThat(h.watermark("by_stream")).isEqualTo(OptionalLong.empty());
        assertThat(h.watermark("by_binary")).isEqualTo(OptionalLong.empty());
    }
}
