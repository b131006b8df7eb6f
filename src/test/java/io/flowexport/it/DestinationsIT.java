package io.flowexport.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows with several destinations against a real HTTP server (WireMock) and PostgreSQL: the file is written once
 * and pushed to each; a destination that fails gets the same file again at the next run, alone, with the same
 * Idempotency-Key, and the watermark moves only when every destination has it.
 */
class DestinationsIT {

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

    private String url(String path) {
        return "http://127.0.0.1:" + http.port() + path;
    }

    @Test
    void aFailedHttpDestinationGetsTheFileAloneAtTheNextRun() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_dest_it");
        h.sql("CREATE TABLE feed (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO feed SELECT g, 'n' || g, 1 + g / 10 FROM generate_series(1, 25) g");
        h.flow("feed", "id = \"feed\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                + "export_mode = \"changes_only\"\nfile_path = \"feed/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                + "url = \"" + url("/ingest/{flow_id}/{batch_id}") + "\"\nmax_attempts = 2\n"
                + "initial_backoff = \"50ms\"\n");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500).withBody("database locked")));

        Harness.Outcome first = h.cli("run-once", "--all");
        assertThat(first.code()).isEqualTo(1);
        assertThat(first.out()).contains("delivery failed to http 'ingest'").contains("HTTP 500")
                .contains("database locked").contains("the next run sends this file to 'ingest' only");
        assertThat(h.files()).contains("feed/3.csv");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.empty());
        List<LoggedRequest> failed = http.findAll(anyRequestedFor(anyUrl()));
        assertThat(failed).hasSize(2);
        String key = failed.get(0).getHeader("Idempotency-Key");
        assertThat(failed.get(1).getHeader("Idempotency-Key")).isEqualTo(key);
        long fileTime = Files.getLastModifiedTime(h.exportDir.resolve("feed/3.csv")).toMillis();

        h.sql("INSERT INTO feed VALUES (100, 'late', 4)"); // new data must wait until the owed file is delivered
        http.resetAll();
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        Harness.Outcome check = h.cli("check", "--all").ok();
        assertThat(check.out()).contains("ok     file 'file'").contains("ok     http 'ingest'");
        assertThat(h.cli("plan", "feed").ok().out()).contains("pending:     the file of run")
                .contains("is still owed to [ingest]");
        http.resetRequests();
        Harness.Outcome second = h.cli("run-once", "--all").ok();
        assertThat(second.out()).contains("re-sent the file of run").contains("to 'ingest'");
        List<LoggedRequest> sent = http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/feed/3")));
        assertThat(sent).singleElement().satisfies(r -> {
            assertThat(r.getHeader("Idempotency-Key")).isEqualTo(key);
            assertThat(r.getHeader("Content-Type")).startsWith("text/csv");
            assertThat(r.getHeader("X-FlowExport-Flow")).isEqualTo("feed");
            assertThat(r.getHeader("X-FlowExport-Batch-Range")).isEqualTo("1..3");
            try {
                assertThat(r.getBody()).isEqualTo(Files.readAllBytes(h.exportDir.resolve("feed/3.csv")));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(Files.getLastModifiedTime(h.exportDir.resolve("feed/3.csv")).toMillis())
                .as("the file destination did not get the file again").isEqualTo(fileTime);
        assertThat(h.files()).filteredOn(f -> f.startsWith("feed/")).containsExactly("feed/3.csv");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

        Harness.Outcome third = h.cli("run-once", "--all").ok();
        assertThat(third.out()).contains("batches=4");
        assertThat(h.files()).filteredOn(f -> f.startsWith("feed/")).containsExactly("feed/3.csv", "feed/4.csv");
        assertThat(http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/feed/4")))).hasSize(1);
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));
        assertThat(h.files()).noneMatch(f -> f.contains(".flowexport"));
    }

    @Test
    void jsonLinesInBatchesToTwoEndpointsWithTemplatedHeaders() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_dest_batches_it");
        h.sql("CREATE TABLE events (id integer PRIMARY KEY, kind text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO events SELECT g, 'k' || (g % 3), 7 FROM generate_series(1, 7) g");
        h.flow("events", "id = \"events\"\n[properties.export]\nsource_dataset_id = \"events\"\n"
                + "format = \"json\"\nexporter_config = { jsonl = true }\n"
                + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"rows\"\nmode = \"batches\"\n"
                + "batch_size = 3\nmethod = \"PUT\"\nurl = \"" + url("/rows/{flow_id}") + "\"\n"
                + "headers = { X-Run = \"{run_id}\" }\n"
                + "[[properties.export.destinations]]\ntype = \"http\"\nname = \"whole\"\n"
                + "url = \"" + url("/whole") + "\"\n");
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(202)));
        h.cli("run-once", "--all").ok();

        List<LoggedRequest> rows = http.findAll(anyRequestedFor(urlPathEqualTo("/rows/events")));
        assertThat(rows).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        List<Integer> ids = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (LoggedRequest r : rows) {
            assertThat(r.getMethod().value()).isEqualTo("PUT");
            assertThat(r.getHeader("Content-Type")).startsWith("application/x-ndjson");
            assertThat(r.getHeader("X-Run")).isEqualTo(r.getHeader("X-FlowExport-Run"));
            String[] lines = r.getBodyAsString().split("\n");
            sizes.add(lines.length);
            for (String line : lines) {
                ids.add(json.readTree(line).path("id").asInt());
            }
        }
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(ids).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(rows).extracting(r -> r.getHeader("Idempotency-Key")).doesNotHaveDuplicates();
        List<LoggedRequest> whole = http.findAll(anyRequestedFor(urlPathEqualTo("/whole")));
        assertThat(whole).singleElement().satisfies(r -> {
            assertThat(r.getHeader("Content-Type")).startsWith("application/x-ndjson");
            assertThat(r.getBodyAsString().split("\n")).hasSize(7);
        });
        assertThat(h.files()).as("no file destination: nothing left in the export directory").isEmpty();
    }
}
