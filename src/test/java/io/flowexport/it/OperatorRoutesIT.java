package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator routes ({@code routes/*.yaml}) on a real running runner: they load beside the flows' routes, reload on
 * add, edit, atomic save, rename and delete, keep the last good version through a broken edit, share the runner's
 * HTTP server, and react to run events (log a line, start another flow).
 */
class OperatorRoutesIT {

    @TempDir
    Path tmp;

    private static String hello(String answer) {
        return "- route:\n"
                + "    from:\n"
                + "      uri: platform-http:/hello\n"
                + "      steps:\n"
                + "        - setBody:\n"
                + "            constant: " + answer + "\n";
    }

    @Test
    void routesReloadLikeFlowsAndReactToRunEvents() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_routes_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 1 FROM generate_series(1, 20) g");
        h.flow("items", "id = \"items\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "file_path = \"items/{run_id}.csv\"\n");
        h.flow("second", "id = \"second\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "file_path = \"second/{run_id}.json\"\nformat = \"json\"\n");
        Path routes = Files.createDirectories(h.dir.resolve("routes"));
        Path file = Files.writeString(routes.resolve("hello.yaml"), hello("v1")); // loaded at start
        try (LiveProcess live = LiveProcess.start(h)) {
            assertThat(live.get("/hello").body()).isEqualTo("v1");
            assertThat(live.routeFile("hello.yaml").orElseThrow().path("route_ids").toString()).contains("hello");

            Files.writeString(file, hello("v2"));
            awaitAnswer(live, "v2");

            // broken edit: v2 keeps answering, the status names the file and the problem
            Files.writeString(file, hello("v3").replace("      steps:", "    steps:\n  - oops: ["));
            JsonNode broken = live.awaitRouteFile("hello.yaml", r -> !r.path("problems").isEmpty());
            assertThat(broken.path("result").asText()).isEqualTo("kept last good version");
            assertThat(broken.path("problems").get(0).asText()).contains("hello.yaml");
            assertThat(live.get("/hello").body()).isEqualTo("v2");

            // fixed by an editor-style atomic save (write a temp file, rename it over the route file)
            Path temp = live.routes.resolve(".hello.yaml.tmp");
            Files.writeString(temp, hello("v4"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            awaitAnswer(live, "v4");
            assertThat(live.routeFile("hello.yaml").orElseThrow().path("problems")).isEmpty();

            // rename: the routes come back under the new file's name
            Files.move(file, live.routes.resolve("hi.yaml"));
            live.awaitRouteFile("hi.yaml", r -> r.path("route_ids").toString().contains("hi"));
            assertThat(live.routeFile("hello.yaml")).isEmpty();
            awaitAnswer(live, "v4");

            // run events: a route that logs each finished run, and one that starts another flow after it
            Files.writeString(live.routes.resolve("events.yaml"), """
                    - route:
                        id: log-runs
                        from:
                          uri: seda:flowexport-runs?multipleConsumers=true
                          steps:
                            - log: "EVENT ${header.FlowExportFlowId} ${header.FlowExportRunId} ${header.FlowExportStatus} rows=${header.FlowExportRows} ${body}"
                    - route:
                        id: chain-second
                        from:
                          uri: seda:flowexport-runs?multipleConsumers=true
                          steps:
                            - filter:
                                simple: "${header.FlowExportFlowId} == 'items' && ${header.FlowExportStatus} == 'ok'"
                                steps:
                                  - to: direct:flow-second
                    """);
            live.awaitRouteFile("events.yaml", r -> r.path("route_ids").size() == 2);
            JsonNode run = live.runAndWait("items");
            String runId = run.path("run_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> live.log().contains("EVENT items " + runId + " ok rows=20"));
            assertThat(live.log()).contains("\"flow_id\":\"items\"").contains("\"batch_range\":\"1\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> h.files().stream().anyMatch(f -> f.startsWith("second/")));
            await().atMost(Duration.ofSeconds(30)).until(() -> live.log().contains("EVENT second "));

            // delete: the endpoint is gone
            Files.delete(live.routes.resolve("hi.yaml"));
            await().atMost(Duration.ofSeconds(30)).until(() -> live.get("/hello").statusCode() == 404);
            assertThat(live.routeFile("hi.yaml")).isEmpty();
        }
    }

    private static void awaitAnswer(LiveProcess live, String answer) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var r = live.get("/hello");
            return r.statusCode() == 200 && r.body().equals(answer);
        });
    }
}
