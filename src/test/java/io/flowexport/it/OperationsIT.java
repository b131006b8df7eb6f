package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator's monitoring sees of a live runner: the bearer token in front of the API, {@code /metrics}
 * (checked by Prometheus's own {@code promtool} and scraped by a real Prometheus server), the health probes, and
 * {@code status} sending the token.
 */
class OperationsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "f3c9a1e07b5d4c2e9a8b6d4f2e0c1a3b";
    private static final String WRONG = "0000aaaa1111bbbb2222cccc3333dddd";
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    @TempDir
    Path tmp;

    @Test
    void tokenMetricsHealthAndStatus() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_ops_it");
        h.sql("CREATE TABLE events (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO events SELECT g, 1 + g / 10 FROM generate_series(1, 45) g");
        h.flow("events_csv", "id = \"events_csv\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"events/{batch_id}.csv\"\n");
        // the file gets its copy, the HTTP endpoint refuses connections: the run fails and owes "ingest" the file
        h.flow("pushed", "id = \"pushed\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"pushed/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                + "url = \"http://127.0.0.1:" + closedPort() + "/ingest\"\nmax_attempts = 1\n");

        try (LiveProcess live = LiveProcess.start(h, Map.of("FLOWEXPORT_HTTP_TOKEN", TOKEN),
                "flowexport.metrics.refresh=1s")) {
            // the token: every API path asks for it, the probes do not
            for (String path : List.of("/status", "/flows/events_csv", "/metrics")) {
                HttpResponse<String> none = live.send(bare(live, path).GET());
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"flow-export\"");
                assertThat(JSON.readTree(none.body()).path("error").asText()).contains("flowexport.http.token");
                assertThat(live.send(bare(live, path).header("Authorization", "Bearer " + WRONG).GET())
                        .statusCode()).as(path).isEqualTo(401);
            }
            assertThat(live.send(bare(live, "/flows/events_csv/run").POST(HttpRequest.BodyPublishers.noBody()))
                    .statusCode()).isEqualTo(401);
            assertThat(live.send(bare(live, "/health/live").GET()).statusCode()).isEqualTo(200);
            assertThat(live.get("/status").statusCode()).isEqualTo(200);

            JsonNode first = live.runAndWait("events_csv");
            assertThat(first.path("status").asText()).isEqualTo("ok");
            assertThat(live.runAndWait("pushed").path("status").asText()).isEqualTo("failed");
            h.sql("INSERT INTO events SELECT g, 7 FROM generate_series(46, 50) g"); // a batch above the watermark

            String metrics = await().atMost(Duration.ofSeconds(30)).until(() -> live.get("/metrics").body(),
                    m -> value(m, "flowexport_pending_deliveries{flow=\"pushed\"}") == 1
                            && value(m, "flowexport_watermark_lag_batches{flow=\"events_csv\"}") == 2);
            assertThat(value(metrics, "flowexport_runs_total{flow=\"events_csv\",status=\"ok\"}")).isEqualTo(1);
            assertThat(value(metrics, "flowexport_runs_total{flow=\"pushed\",status=\"failed\"}")).isEqualTo(1);
            assertThat(value(metrics, "flowexport_exported_rows_total{flow=\"events_csv\"}"))
                    .isEqualTo(first.path("rows").asDouble()).isPositive();
            assertThat(value(metrics, "flowexport_exported_bytes_total{flow=\"events_csv\"}"))
                    .isEqualTo(first.path("bytes").asDouble());
            assertThat(value(metrics, "flowexport_run_duration_seconds_count{flow=\"events_csv\",status=\"ok\"}"))
                    .isEqualTo(1);
            assertThat(value(metrics, "flowexport_delivery_attempts_total{destination=\"ingest\",flow=\"pushed\","
                    + "type=\"http\"}")).isEqualTo(1);
            assertThat(value(metrics, "flowexport_delivery_failures_total{destination=\"ingest\",flow=\"pushed\","
                    + "type=\"http\"}")).isEqualTo(1);
            assertThat(value(metrics, "flowexport_delivery_failures_total{destination=\"file\",flow=\"pushed\","
                    + "type=\"file\"}")).isZero();
            assertThat(value(metrics, "flowexport_last_success_timestamp_seconds{flow=\"events_csv\"}"))
                    .isGreaterThan(System.currentTimeMillis() / 1000.0 - 600);
            assertThat(metrics).doesNotContain("flowexport_last_success_timestamp_seconds{flow=\"pushed\"}");
            assertThat(value(metrics, "flowexport_reloads_total{kind=\"flow\",result=\"added\"}")).isEqualTo(2);
            assertThat(metrics).contains("camel_exchanges_total{camel_context=\"flow-export\",event_type=\"route\","
                    + "kind=\"CamelRoute\",route_id=\"flow-events_csv\"}");
            // no run ids, paths or messages in labels
            assertThat(metrics).doesNotContain("run_id").doesNotContain(h.exportDir.toString());
            promtoolAccepts(metrics);

            // the re-sent file: the next run of "pushed" owes "ingest" the same file and tries it again
            assertThat(live.runAndWait("pushed").path("status").asText()).isEqualTo("failed");
            assertThat(value(live.get("/metrics").body(), "flowexport_delivery_retries_total{destination=\"ingest\","
                    + "flow=\"pushed\",type=\"http\"}")).isEqualTo(1);

            scrapedByPrometheus(live);

            // readiness: every check up, then degraded by a broken flow file (its last good version runs on)
            JsonNode ready = JSON.readTree(live.send(bare(live, "/health/ready").GET()).body());
            assertThat(ready.path("status").asText()).isEqualTo("UP");
            assertThat(ids(ready)).contains("flowexport-state", "flowexport-source", "flowexport-reload",
                    "route:flow-events_csv", "context");
            h.flow("events_csv", "id = \"events_csv\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                    + "export_mode = \"incremental\"\nfile_path = \"events/{batch_id}.csv\"\nformat = \"csvv\"\n");
            HttpResponse<String> degraded = await().atMost(Duration.ofSeconds(30))
                    .until(() -> live.send(bare(live, "/health/ready").GET()),
                            r -> r.body().contains("\"DEGRADED\""));
            assertThat(degraded.statusCode()).isEqualTo(200);
            assertThat(degraded.body()).contains("events_csv.toml: 1 error");
            await().atMost(Duration.ofSeconds(30)).until(() -> value(live.get("/metrics").body(),
                    "flowexport_reload_problems{kind=\"flow\",severity=\"error\"}") == 1);

            // status sends the token; without it, it says what to set
            Harness.Outcome withToken = PackagedJar.run(tmp, List.of("-Dflowexport.http.token=" + TOKEN),
                    Duration.ofSeconds(60), "status", "--url", "http://127.0.0.1:" + live.port);
            assertThat(withToken.out()).contains("events_csv").contains("pushed");
            assertThat(withToken.code()).isEqualTo(1); // the broken file is a problem
            Harness.Outcome without = PackagedJar.run(tmp, List.of(), Duration.ofSeconds(60), "status", "--url",
                    "http://127.0.0.1:" + live.port);
            assertThat(without.code()).isEqualTo(2);
            assertThat(without.err()).contains("refused the request (401)").contains("flowexport.http.token");

            live.stop();
            String log = live.log();
            assertThat(log).contains("HTTP API: refused GET /status from 127.0.0.1: no Authorization header")
                    .contains("HTTP API: refused GET /status from 127.0.0.1: a wrong or malformed bearer token")
                    .doesNotContain(TOKEN).doesNotContain(WRONG);
        }
    }

    @Test
    void refusesAnAddressOtherMachinesReachWithoutAToken() throws Exception {
        Harness h = Harness.h2(tmp);
        Harness.Outcome o = PackagedJar.run(tmp, List.of("-Dflowexport.http.host=0.0.0.0"), Duration.ofSeconds(60),
                "run", "--flows", h.flows.toString(), "--config", h.config.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("flowexport.http.host is 0.0.0.0, which other machines can reach")
                .contains("flowexport.http.token");
    }

    @Test
    void notReadyWhileTheSourceIsDown() throws Exception {
        Harness h = Harness.custom(tmp, "jdbc:postgresql://127.0.0.1:" + closedPort() + "/test", "postgres");
        h.flow("events_csv", "id = \"events_csv\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "file_path = \"events.csv\"\n");
        try (LiveProcess live = LiveProcess.start(h)) {
            HttpResponse<String> ready = live.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            JsonNode source = check(body, "flowexport-source");
            assertThat(source.path("status").asText()).isEqualTo("DOWN");
            assertThat(source.path("message").asText()).contains("is unreachable");
            assertThat(check(body, "flowexport-state").path("status").asText()).isEqualTo("UP");
            // the gauges read from the state store are there soon after start, not one refresh (30 s) later
            await().atMost(Duration.ofSeconds(10)).until(() -> value(live.get("/metrics").body(),
                    "flowexport_pending_deliveries{flow=\"events_csv\"}") == 0);
            HttpResponse<String> alive = live.get("/health/live");
            assertThat(alive.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(alive.body()).path("status").asText()).isEqualTo("UP");
        }
    }

    /** Prometheus 2 scrapes the runner with the token every second; a query finds the runner's meters. */
    private void scrapedByPrometheus(LiveProcess live) throws Exception {
        assertThat(PROMETHEUS).as("Prometheus's server (Debian package prometheus; .ci/run installs it)")
                .exists();
        Path dir = Files.createDirectories(tmp.resolve("prometheus"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: flow-export\n    authorization:\n      credentials_file: "
                + token + "\n    static_configs:\n      - targets: ['127.0.0.1:" + live.port + "']\n");
        int port = closedPort();
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String query = "flowexport_runs_total{flow=\"events_csv\",status=\"ok\"}";
            JsonNode result = await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> JSON.readTree(
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                            HttpResponse.BodyHandlers.ofString()).body()).path("data").path("result"),
                    r -> r.size() == 1);
            assertThat(result.get(0).path("value").get(1).asText()).isEqualTo("1");
            JsonNode up = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/query?query=up")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(up.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("1");
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("Prometheus did not scrape the runner; its log:\n" + Files.readString(log), e);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code promtool check metrics}: the exposition parses and follows Prometheus's naming rules. */
    private void promtoolAccepts(String metrics) throws Exception {
        assertThat(PROMTOOL).as("promtool (Debian package prometheus; .ci/run installs it)").exists();
        Path in = Files.writeString(tmp.resolve("metrics.txt"), metrics);
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectInput(in.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics said:\n" + out).isZero();
    }

    /** A sample's value in the exposition, or NaN when the series is absent. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static HttpRequest.Builder bare(LiveProcess live, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + live.port + path));
    }

    private static List<String> ids(JsonNode health) {
        List<String> ids = new java.util.ArrayList<>();
        health.path("checks").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }

    private static JsonNode check(JsonNode health, String id) {
        for (JsonNode c : health.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + health);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
