package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.run.SourceRetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Faults of the source database, on real PostgreSQL: the connection killed by {@code pg_terminate_backend} while
 * the rows stream (JDBC stream path, binary COPY path and CSV COPY path), with and without retries; and a source that is down when the
 * long-running runner starts (behind a TCP forwarder the test switches off and on), then comes back.
 */
class SourceFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 20_000;

    @TempDir
    Path tmp;

    @Test
    void killedMidStreamOnTheJdbcStreamPathFailsCleanlyOrIsRetried() throws Exception {
        midStreamKill("fe_faults_stream", "stream/{batch_id}.jsonl", "flowexport.source.copy-binary=false\n", "57P01",
                "FATAL: terminating connection due to administrator command", SourceFaultsIT::jsonl);
    }

    @Test
    void killedMidStreamOnTheBinaryCopyPathFailsCleanlyOrIsRetried() throws Exception {
        midStreamKill("fe_faults_binary", "binary/{batch_id}.jsonl", "", "08006",
                "Database connection failed when reading from copy", SourceFaultsIT::jsonl);
    }

    /** A JSON Lines export read back as rows of id, xt_batch_id, name. */
    private static List<List<String>> jsonl(Harness h, String file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(h.exportDir.resolve(file))) {
            JsonNode n = JSON.readTree(line);
            rows.add(List.of(n.get("id").asText(), n.get("xt_batch_id").asText(), n.get("name").asText()));
        }
        return rows;
    }

    @Test
    void killedMidStreamOnTheCopyPathFailsCleanlyOrIsRetried() throws Exception {
        midStreamKill("fe_faults_copy", "copy/{batch_id}.csv", "", "08006",
                "Database connection failed when reading from copy", (h, file) -> h.csv(file).stream()
                        .map(r -> List.of(r.get("id"), r.get("xt_batch_id"), r.get("name"))).toList());
    }

    /** Reads an export back as rows of text values: id, xt_batch_id, name. */
    @FunctionalInterface
    private interface Reader {
        List<List<String>> read(Harness h, String file) throws IOException;
    }

    private void midStreamKill(String schema, String path, String settings, String state, String reason,
                               Reader reader) throws Exception {
        Harness h = Harness.postgres(tmp, schema);
        // 20,000 rows that stream for about 4 s: the view sorts the table, then sleeps 20 ms every 100 rows
        // while it hands them out (the sleep is in the select list above the sort, so rows flow meanwhile)
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL, name text NOT NULL)",
                "INSERT INTO items SELECT g, 1 + g / 1000, 'item ' || g || ' ' || md5(g::text) "
                        + "FROM generate_series(1, " + ROWS + ") g",
                "CREATE FUNCTION fe_slow(id integer) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
                        + "IF id % 100 = 0 THEN PERFORM pg_sleep(0.02); END IF; RETURN id; END $$",
                "CREATE VIEW fe_slow_items AS SELECT fe_slow(i.id) AS id, i.xt_batch_id, i.name FROM items i "
                        + "ORDER BY i.xt_batch_id, i.id");
        h.flow("slow", "id = \"slow\"\n[properties.export]\nsource_dataset_id = \"fe_slow_items\"\n"
                + "file_path = \"" + path + "\"\nexport_mode = \"changes_only\"\n");
        String config = Files.readString(h.config) + "flowexport.source.fetch-size=500\n"
                + "flowexport.source.retry-backoff=200ms\n" + settings;

        // no retry: the run fails, names the dataset and the reason, leaves no file and no watermark
        Files.writeString(h.config, config + "flowexport.source.attempts=1\n");
        CompletableFuture<Harness.Outcome> once = CompletableFuture.supplyAsync(() -> h.cli("run-once", "slow"));
        killWhileStreaming(h, schema, once);
        Harness.Outcome failed = once.get(120, TimeUnit.SECONDS);
        assertThat(failed.code()).as("exit code; out:%n%s%nerr:%n%s", failed.out(), failed.err()).isEqualTo(1);
        assertThat(failed.out()).contains("slow ", " failed ", "flow 'slow': reading dataset 'fe_slow_items' failed "
                + "(1 attempt, flowexport.source.attempts = 1): SQLState " + state + ": " + reason,
                "nothing was published and the watermark stays");
        assertThat(h.files()).as("no published, partial or temporary file").isEmpty();
        assertThat(h.watermark("slow")).isEqualTo(OptionalLong.empty());

        // three attempts: the killed first one is retried in the same run, which publishes every row
        Files.writeString(h.config, config + "flowexport.source.attempts=3\n");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger retryLog = (Logger) LoggerFactory.getLogger(SourceRetry.class);
        warnings.start();
        retryLog.addAppender(warnings);
        Harness.Outcome ok;
        try {
            CompletableFuture<Harness.Outcome> again = CompletableFuture.supplyAsync(() -> h.cli("run-once", "slow"));
            killWhileStreaming(h, schema, again);
            ok = again.get(120, TimeUnit.SECONDS).ok();
        } finally {
            retryLog.detachAppender(warnings);
        }
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("flow 'slow': reading dataset 'fe_slow_items' failed (attempt 1 of 3): SQLState "
                        + state + ": " + reason).endsWith("; retrying in 200ms");
        String published = path.replace("{batch_id}", "21");
        assertThat(ok.out()).containsPattern("slow +ok +rows=" + ROWS + " .*file=" + Pattern.quote(published)
                + " batches=1..21");
        assertThat(h.files()).containsExactly(published);
        assertThat(reader.read(h, published)).isEqualTo(sourceRows(h));
        assertThat(h.watermark("slow")).isEqualTo(OptionalLong.of(21));
    }

    /**
     * Waits until the run has written part of its staged file and its query is running, then terminates the
     * query's backend: the connection dies in the middle of the stream.
     */
    private static void killWhileStreaming(Harness h, String schema, CompletableFuture<Harness.Outcome> run)
            throws Exception {
        int[] pid = {0};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (run.isDone()) {
                throw new IllegalStateException("the run ended before it could be killed: " + run.get().out());
            }
            pid[0] = stagedBytes(h) > 0 ? backend(h, schema) : 0;
            return pid[0] != 0;
        });
        try (Connection c = h.source(); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid[0]);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next() && rs.getBoolean(1)).as("backend %s terminated", pid[0]).isTrue();
            }
        }
        assertThat(run.isDone()).as("the run was still streaming when its backend was terminated").isFalse();
    }

    /** The backend running the export's query or COPY on the view, or 0. */
    private static int backend(Harness h, String schema) throws SQLException {
        try (Connection c = h.source(); PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity "
                + "WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE ?")) {
            ps.setString(1, "%\"" + schema + "\".\"fe_slow_items\"%");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Bytes in the run's hidden staged file(s) so far. */
    private static long stagedBytes(Harness h) throws IOException {
        long bytes = 0;
        try (Stream<Path> s = Files.walk(h.exportDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".flowexport-")).toList()) {
                try {
                    bytes += Files.size(p);
                } catch (IOException gone) {
                    // deleted or renamed meanwhile
                }
            }
        }
        return bytes;
    }

    private static List<List<String>> sourceRows(Harness h) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = h.source(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, xt_batch_id, name FROM items ORDER BY xt_batch_id, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        assertThat(rows).hasSize(ROWS);
        return rows;
    }

    @Test
    void sourceDownAtStartThenBackWithoutRestart() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_faults_down");
        h.sql("CREATE TABLE events (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO events SELECT g, 1 + g / 100 FROM generate_series(1, 500) g");
        h.flow("events", "id = \"events\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "file_path = \"events/{batch_id}.csv\"\nexport_mode = \"changes_only\"\n"
                + "[[triggers]]\ntype = \"interval\"\nevery = \"3s\"\n");
        Path routes = Files.createDirectories(h.dir.resolve("routes"));
        Files.writeString(routes.resolve("ping.yaml"), "- route:\n    from:\n      uri: platform-http:/ping\n"
                + "      steps:\n        - setBody:\n            constant: pong\n");
        String password = "pw-" + System.nanoTime(); // trust authentication ignores it; it must never be printed
        String printed;
        try (SwitchableProxy proxy = new SwitchableProxy("127.0.0.1", 5432)) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=fe_faults_down";
            Files.writeString(h.config, Files.readString(h.config).replace(Harness.PG_URL,
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test")
                    + "flowexport.source.password=" + password + "\n");
            String unreachable = "the source database " + url + " is unreachable (SQLState 08";

            // validate and run-once report it and exit 1; check tests the destinations anyway
            Harness.Outcome validate = h.cli("validate");
            assertThat(validate.code()).isEqualTo(1);
            assertThat(validate.out()).contains("events.toml", "source_dataset_id", unreachable,
                    "check that it is up and accepts connections");
            Harness.Outcome once = h.cli("run-once", "--all");
            assertThat(once.code()).isEqualTo(1);
            assertThat(once.err()).contains(unreachable);
            Harness.Outcome check = h.cli("check", "--all").ok();
            assertThat(check.err()).contains(unreachable,
                    "the flows' datasets are not checked, their destinations are");
            assertThat(check.out()).containsPattern("\\n  ok +file 'file'");

            try (LiveProcess live = LiveProcess.start(h, "flowexport.source.attempts=2",
                    "flowexport.source.retry-backoff=500ms")) {
                // started: one clear error, the flow loaded with a warning, the API and operator routes answer
                JsonNode file = live.awaitFlowFile("events.toml", f -> "added".equals(f.path("reload")
                        .path("result").asText()));
                assertThat(file.path("reload").path("problems").toString()).contains("warning",
                        "not checked: the source database is unreachable");
                assertThat(live.log()).contains(unreachable, "The runner keeps running");
                assertThat(live.get("/ping").body()).isEqualTo("pong");

                // each run fails, after its retries, saying why and what to do
                await().atMost(Duration.ofSeconds(120)).until(() -> count(live.log(), "events +failed ") > 0);
                String log = live.log();
                assertThat(log).containsPattern("flow 'events': reading dataset 'events' failed \\(attempt 1 of 2\\): "
                        + "SQLState 08\\d\\d\\d: flowexport-source - Connection is not available.*; retrying in 500ms");
                assertThat(log).containsPattern("events +failed .*flow 'events': reading dataset 'events' failed "
                        + "\\(2 attempts\\): SQLState 08\\d\\d\\d: .*nothing was published and the watermark stays; "
                        + "check that the source database " + Pattern.quote(url) + " is up");
                assertThat(h.files()).isEmpty();
                assertThat(h.watermark("events")).isEqualTo(OptionalLong.empty());
                assertThat(live.get("/ping").body()).isEqualTo("pong");
                assertThat(live.status().path("flows").get(0).path("last_run").path("status").asText())
                        .isEqualTo("failed");

                // back: the next run publishes, the postponed checks are done, no restart
                proxy.switchOn();
                await().atMost(Duration.ofSeconds(90)).until(() -> h.files().contains("events/6.csv"));
                assertThat(h.csvColumn("events/6.csv", "id")).hasSize(500);
                await().atMost(Duration.ofSeconds(30)).until(() -> h.watermark("events").equals(OptionalLong.of(6)));
                live.awaitFlowFile("events.toml", f -> f.path("reload").path("problems").isEmpty());
                log = live.log();
                assertThat(log).contains("the source database " + url + " answers again");
                assertThat(count(log, Pattern.quote(unreachable))).as("the outage is logged once").isEqualTo(1);
                assertThat(count(log, "HTTP API on ")).as("one start, no restart").isEqualTo(1);
                assertThat(live.isAlive()).isTrue();
                printed = validate.out() + validate.err() + once.out() + once.err() + check.out() + check.err()
                        + live.log();
            }
        }
        assertThat(printed).doesNotContain(password);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
