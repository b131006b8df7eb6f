package io.flowexport.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.file.FileSpec;
import io.flowexport.destination.http.HttpSpec;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run event's JSON: every documented field, files relative to the export directory, error only on failure. */
class RunEventsTest {

    private static final Instant START = Instant.parse("2026-11-21T01:00:00Z");

    @Test
    void publishedRun() {
        RunResult r = new RunResult("orders", "abc123def456", "20261121T010000Z-0a0b0c", "schedule", START,
                RunStatus.SUCCEEDED, 60, 4907, Path.of("/x/exports/daily/44.csv"), 40L, 44L, 1.5, null);
        ObjectNode n = RunEvents.toJson(r, Path.of("/x"));
        assertThat(n.toString()).isEqualTo("{\"flow_id\":\"orders\",\"flow_version\":\"abc123def456\","
                + "\"run_id\":\"20261121T010000Z-0a0b0c\",\"trigger\":\"schedule\",\"status\":\"ok\","
                + "\"started_at\":\"2026-11-21T01:00:00Z\",\"finished_at\":\"2026-11-21T01:00:01.500Z\","
                + "\"seconds\":1.5,\"rows\":60,\"bytes\":4907,\"files\":[\"exports/daily/44.csv\"],"
                + "\"destinations\":[],\"first_batch\":40,\"last_batch\":44,\"batch_range\":\"40..44\",\"error\":null,\"message\":null}");
    }

    @Test
    void everyPublishedFileAndEachDestinationsResult() {
        List<Delivered> deliveries = List.of(
                new Delivered("file", FileSpec.TYPE, "exports/44.csv", true, 1, null, "published",
                        Path.of("/x/exports/44.csv")),
                new Delivered("copy", FileSpec.TYPE, "archive/44.csv", true, 1, null, "published",
                        Path.of("/x/archive/44.csv")),
                new Delivered("api", HttpSpec.TYPE, "https://example.test/in", false, 2, 503,
                        "HTTP 503 after 5 attempts", null));
        RunResult r = new RunResult("orders", "v", "r3", "manual", START, RunStatus.FAILED, 0, 0, null, 40L, 44L,
                0.3, "delivery failed to http 'api'", deliveries);
        ObjectNode n = RunEvents.toJson(r, Path.of("/x"));
        assertThat(n.path("files").toString()).isEqualTo("[\"exports/44.csv\",\"archive/44.csv\"]");
        assertThat(n.path("destinations").toString()).isEqualTo("[{\"name\":\"file\",\"type\":\"file\","
                + "\"target\":\"exports/44.csv\",\"ok\":true,\"detail\":\"published\"},{\"name\":\"copy\","
                + "\"type\":\"file\",\"target\":\"archive/44.csv\",\"ok\":true,\"detail\":\"published\"},"
                + "{\"name\":\"api\",\"type\":\"http\",\"target\":\"https://example.test/in\",\"ok\":false,"
                + "\"detail\":\"HTTP 503 after 5 attempts\"}]");
    }

    @Test
    void failedAndNothingNewRuns() {
        RunResult failed = new RunResult("orders", "v", "r1", "http", START, RunStatus.FAILED, 0, 0, null, null,
                null, 0.2, "flow 'orders': reading dataset 'orders' failed");
        assertThat(RunEvents.toJson(failed, null).path("error").asText()).contains("reading dataset");
        assertThat(RunEvents.toJson(failed, null).path("files")).isEmpty();
        RunResult none = new RunResult("orders", "v", "r2", "interval", START, RunStatus.NOTHING_NEW, 0, 0, null,
                null, null, 0.1, "nothing new above batch 44; no file published");
        assertThat(RunEvents.toJson(none, null).path("error").isNull()).isTrue();
        assertThat(RunEvents.toJson(none, null).path("message").asText()).startsWith("nothing new");
        assertThat(RunEvents.toJson(none, null).path("batch_range").asText()).isEqualTo("-");
    }
}
