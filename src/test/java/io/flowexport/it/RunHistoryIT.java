package io.flowexport.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.flowexport.state.JdbcStateStore;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run history and the {@code history} / {@code state} commands, on PostgreSQL with a file and a real HTTP
 * server (WireMock) as destinations: every run is recorded with its trigger, status, rows, bytes, batch range,
 * files and each destination's result; a failed delivery shows in {@code state show} as owed; {@code state reset}
 * rewinds the watermark and is itself in the history; old runs are deleted by the retention; and a run that was
 * interrupted while publishing (its run intent left in the state store) is replayed with the same names and
 * idempotency keys although newer batches arrived.
 */
class RunHistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private WireMockServer http;

    @BeforeEach
    void startHttp() {
        http = new WireMockServer(wireMockConfig().dynamicPort());
        http.start();
    }

    @AfterEach
    void stopHttp() {
        http.stop();
    }

    private Harness feed(String schema) throws Exception {
        Harness h = Harness.postgres(tmp, schema);
        h.sql("CREATE TABLE feed (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO feed SELECT g, 'n' || g, 1 + g / 10 FROM generate_series(1, 25) g");
        h.flow("feed", "id = \"feed\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                + "export_mode = \"changes_only\"\nfile_path = \"feed/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                + "url = \"http://127.0.0.1:" + http.port() + "/ingest/{batch_id}\"\nmax_attempts = 2\n"
                + "initial_backoff = \"50ms\"\n");
        return h;
    }

    @Test
    void historyStateShowAndReset() throws Exception {
        Harness h = feed("fe_history_it");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withBody("maintenance")));

        assertThat(h.cli("run-once", "feed").code()).isEqualTo(1);
        JsonNode failed = history(h, "feed", "--failed");
        assertThat(failed).hasSize(1);
        JsonNode f = failed.get(0);
        assertThat(f.path("status").asText()).isEqualTo("failed");
        assertThat(f.path("trigger").asText()).isEqualTo("manual");
        assertThat(f.path("error").asText()).contains("delivery failed to http 'ingest'").contains("HTTP 503");
        assertThat(f.path("destinations").toString()).contains("\"name\":\"file\",\"type\":\"file\"")
                .contains("\"ok\":true").contains("\"name\":\"ingest\",\"type\":\"http\"").contains("\"ok\":false");
        assertThat(f.path("files").toString()).isEqualTo("[\"feed/3.csv\"]");
        assertThat(f.path("batch_range").asText()).isEqualTo("1..3");

        String shown = h.cli("state", "show", "feed").ok().out();
        assertThat(shown).contains("watermark:    none").contains("http 'ingest': owes the file of run")
                .contains("(batches 1..3)").contains("last error:").contains("file 'file': has the file of run");

        http.resetAll();
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        h.cli("run-once", "feed").ok();
        h.sql("INSERT INTO feed VALUES (100, 'late', 4)");
        h.cli("run-once", "feed").ok();
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));
        assertThat(h.cli("state", "show", "feed").ok().out()).contains("watermark:    batch 4 (dataset feed")
                .contains("in flight:    none").contains("pending:      none")
                .contains("file 'file': has every batch up to 4").contains("http 'ingest': has every batch up to 4");

        JsonNode all = history(h, "feed");
        assertThat(all).hasSize(3);
        assertThat(all.get(0).path("batch_range").asText()).isEqualTo("4");
        assertThat(all.get(0).path("rows").asLong()).isEqualTo(1);
        assertThat(all.get(0).path("files").toString()).isEqualTo("[\"feed/4.csv\"]");
        assertThat(all.get(1).path("message").asText()).contains("re-sent the file of run");
        assertThat(all.get(1).path("destinations").toString()).contains("\"name\":\"ingest\"")
                .doesNotContain("\"name\":\"file\"");
        assertThat(h.cli("history", "--last", "1").ok().out()).contains("feed").contains(" ok ")
                .contains("batches=4").contains("files: feed/4.csv").contains("http 'ingest' ok");

        String reset = h.cli("state", "reset", "feed", "--to", "2").ok().out();
        assertThat(reset).contains("watermark set to 2 (was 4)");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(2));
        JsonNode afterReset = history(h, "feed", "--last", "1");
        assertThat(afterReset.get(0).path("status").asText()).isEqualTo("reset");
        assertThat(afterReset.get(0).path("trigger").asText()).isEqualTo("cli");
        assertThat(afterReset.get(0).path("message").asText()).contains("watermark set to 2 (was 4)");

        http.resetRequests();
        Harness.Outcome refused = h.cli("run-once", "feed");
        assertThat(refused.code()).as("the re-export of 3..4 may not replace feed/4.csv, which holds batch 4 alone")
                .isEqualTo(1);
        assertThat(refused.out()).contains("feed/4.csv already exists with other content")
                .contains("the watermark stays at batch 2");
        assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("refused before any destination got it").isEmpty();
        assertThat(h.csvColumn("feed/4.csv", "id")).containsExactly("100");
        Files.move(h.exportDir.resolve("feed/4.csv"), h.dir.resolve("feed-4-before-the-reset.csv"));
        h.cli("run-once", "feed").ok();
        assertThat(http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/4")))).hasSize(1);
        assertThat(h.csvColumn("feed/4.csv", "id")).containsExactly("20", "21", "22", "23", "24", "25", "100");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));

        h.cli("state", "reset", "feed").ok();
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.empty());
        assertThat(h.cli("history", "feed", "--failed", "--last", "5").ok().out()).contains("failed")
                .doesNotContain(" ok ");
    }

    @Test
    void retentionDeletesOldRuns() throws Exception {
        Harness h = feed("fe_history_ret_it");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        Instant old = Instant.now().minus(Duration.ofDays(40));
        try (JdbcStateStore state = state(h)) {
            state.recordRun(new RunRecord("feed", "20200101T000000Z-000001", null, "schedule", old,
                    old.plusSeconds(1), "ok", 1, 1, 1L, 1L, List.of("feed/1.csv"), List.of(), null, null), null);
            state.recordRun(new RunRecord("feed", "20200101T000000Z-000002", null, "schedule",
                    Instant.now().minus(Duration.ofDays(20)), Instant.now().minus(Duration.ofDays(20)), "ok", 1, 1,
                    1L, 1L, List.of("feed/1.csv"), List.of(), null, null), null);
        }
        assertThat(history(h, "feed")).hasSize(2);
        h.cli("run-once", "feed").ok();
        JsonNode runs = history(h, "feed");
        assertThat(runs).extracting(r -> r.path("run_id").asText()).hasSize(2)
                .contains("20200101T000000Z-000002").doesNotContain("20200101T000000Z-000001");
    }

    @Test
    void anInterruptedRunIsReplayedWithTheSameNamesAndKeys() throws Exception {
        Harness h = feed("fe_history_replay_it");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        // as a runner killed while publishing batches 1..2 leaves it: the intent is recorded, the watermark is not
        String crashed = "20261121T000000Z-abcdef";
        try (JdbcStateStore state = state(h)) {
            state.saveIntent(new RunIntent("feed", "feed", crashed, 1L, 2L, Map.of("batch_id", "2", "run_id",
                    crashed, "flow_id", "feed", "namespace", "public", "ds", "2026-11-21", "ds_nodash", "20261121",
                    "ts", "2026-11-21T00:00:00+00:00", "ts_nodash", "20261121T000000"), Instant.now()));
        }
        assertThat(h.cli("state", "show", "feed").ok().out()).contains("in flight:    run " + crashed
                + " (batches 1..2)");

        Harness.Outcome replay = h.cli("run-once", "feed").ok();
        assertThat(replay.out()).contains("batches=1..2").contains("replayed run " + crashed);
        assertThat(h.files()).containsExactly("feed/2.csv");
        assertThat(h.csvColumn("feed/2.csv", "xt_batch_id")).containsOnly("1", "2");
        LoggedRequest sent = http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/2"))).get(0);
        assertThat(sent.getHeader("X-FlowExport-Batch-Range")).isEqualTo("1..2");
        assertThat(sent.getHeader("X-FlowExport-Run")).isEqualTo(crashed);
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(2));
        try (JdbcStateStore state = state(h)) {
            assertThat(state.intent("feed")).isEmpty();
        }

        h.cli("run-once", "feed").ok();
        assertThat(h.files()).containsExactly("feed/2.csv", "feed/3.csv");
        assertThat(h.csvColumn("feed/3.csv", "xt_batch_id")).containsOnly("3");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));
    }

    @Test
    void theRunnerRecordsIntervalAndHttpRuns() throws Exception {
        Harness h = feed("fe_history_live_it");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        h.flow("tick", "id = \"tick\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                + "file_path = \"tick/{run_id}.csv\"\n[[triggers]]\nid = \"often\"\ntype = \"interval\"\n"
                + "every = \"500ms\"\n");
        try (LiveProcess live = LiveProcess.start(h)) {
            assertThat(live.post("/flows/feed/run?wait=true").statusCode()).isEqualTo(200);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> h.cli("history", "tick", "--json").ok().out().contains("\"trigger\" : \"interval\""));
        }
        JsonNode feedRuns = history(h, "feed");
        assertThat(feedRuns).hasSize(1);
        assertThat(feedRuns.get(0).path("trigger").asText()).isEqualTo("http");
        assertThat(feedRuns.get(0).path("status").asText()).isEqualTo("ok");
        JsonNode tick = history(h, "tick", "--last", "1");
        assertThat(tick.get(0).path("status").asText()).isEqualTo("ok");
        assertThat(tick.get(0).path("rows").asLong()).isEqualTo(25);
        assertThat(tick.get(0).path("files").get(0).asText()).startsWith("tick/").endsWith(".csv");
    }

    private static JsonNode history(Harness h, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--json";
        return JSON.readTree(h.cli("history", all).ok().out());
    }

    private static JdbcStateStore state(Harness h) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(h.stateUrl);
        return new JdbcStateStore(ds, "test", null);
    }
}
