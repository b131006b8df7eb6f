package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The components bundled for operator routes (camel-jdbc, camel-csv, camel-jackson) and the {@code #source} bean in
 * the packaged runner ({@code target/flow-export.jar run}): a route that queries the source database after a run
 * and writes the rows as CSV and JSON; a write through {@code #source} refused by PostgreSQL; and the shipped example
 * {@code routes/batch-summary.yaml}, on the demo dataset and on a dataset without {@code xt_record_type}.
 */
class OperatorRouteComponentsIT {

    private static final Path EXAMPLE = Path.of("routes", "batch-summary.yaml");
    private static final Path DAILY = Path.of("flows", "daily_orders_export.toml");

    @TempDir
    Path tmp;

    @Test
    void aRouteReadsTheSourceAndWritesCsvAndJsonButCannotWrite() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_route_components_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, name text, amount numeric(8,2), xt_record_type text NOT NULL,"
                        + " xt_batch_id bigint NOT NULL)",
                "INSERT INTO items VALUES (1, 'plain', 12.50, 'new', 1), (2, 'a, \"quoted\" one', 0.05, 'new', 1),"
                        + " (3, NULL, 100.00, 'changed', 2)",
                // the shipped example's dataset, without the column it counts by
                "CREATE TABLE change_feed_orders (order_id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO change_feed_orders VALUES (1, 7)");
        h.flow("items", "id = \"items\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "file_path = \"items/{run_id}.csv\"\n");
        Files.copy(DAILY, h.flows.resolve(DAILY.getFileName()));
        Path reports = Files.createDirectories(h.dir.resolve("reports"));
        Path routes = Files.createDirectories(h.dir.resolve("routes"));
        Files.copy(EXAMPLE, routes.resolve(EXAMPLE.getFileName()));
        Files.writeString(routes.resolve("items-report.yaml"), """
                - route:
                    id: items-report
                    from:
                      uri: seda:flowexport-runs?multipleConsumers=true
                      steps:
                        - filter:
                            simple: "${header.FlowExportFlowId} == 'items' && ${header.FlowExportStatus} == 'ok'"
                            steps:
                              - unmarshal:
                                  json: {}
                              - setHeader:
                                  name: CamelJdbcParameters
                                  simple: ${body}
                              - setBody:
                                  constant: >-
                                    SELECT id, name, amount FROM items
                                    WHERE xt_batch_id BETWEEN :?first_batch AND :?last_batch ORDER BY id
                              - to: jdbc:source?useHeadersAsParameters=true
                              - setProperty:
                                  name: rows
                                  simple: ${body}
                              - marshal:
                                  csv:
                                    header: id,name,amount
                              - to: file:%1$s?fileName=${header.FlowExportRunId}.csv
                              - setBody:
                                  simple: ${exchangeProperty.rows}
                              - marshal:
                                  json: {}
                              - to: file:%1$s?fileName=${header.FlowExportRunId}.json
                - route:
                    id: try-write
                    from:
                      uri: platform-http:/try-write
                      steps:
                        - setBody:
                            constant: INSERT INTO items VALUES (4, 'written', 1.00, 'new', 3)
                        - to: jdbc:source
                """.formatted(reports));

        try (LiveProcess live = LiveProcess.start(h)) {
            live.awaitRouteFile("items-report.yaml", r -> r.path("route_ids").size() == 2);
            live.awaitRouteFile("batch-summary.yaml", r -> r.path("route_ids").size() == 1);

            String runId = live.runAndWait("items").path("run_id").asText();
            Path json = reports.resolve(runId + ".json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(json));
            assertThat(Files.readString(reports.resolve(runId + ".csv"))).isEqualTo(
                    "id,name,amount\r\n1,plain,12.50\r\n2,\"a, \"\"quoted\"\" one\",0.05\r\n3,,100.00\r\n");
            assertThat(Files.readString(json)).isEqualTo("[{\"id\":1,\"name\":\"plain\",\"amount\":12.50},"
                    + "{\"id\":2,\"name\":\"a, \\\"quoted\\\" one\",\"amount\":0.05},"
                    + "{\"id\":3,\"name\":null,\"amount\":100.00}]");

            // the source's connections are read-only: PostgreSQL refuses the write, the table is unchanged
            assertThat(live.get("/try-write").statusCode()).isEqualTo(500);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> live.log().contains("cannot execute INSERT in a read-only transaction"));
            try (Connection c = h.source(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM items")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(3);
            }

            // the example on a dataset without xt_record_type: one warning, no stack trace, the run is fine
            JsonNode daily = live.runAndWait("daily_orders_export");
            assertThat(daily.path("status").asText()).isEqualTo("ok");
            String expected = "io.flowexport.events - no batch summary of daily_orders_export run "
                    + daily.path("run_id").asText() + ": ERROR: column \"xt_record_type\" does not exist";
            await().atMost(Duration.ofSeconds(30)).until(() -> live.log().contains(expected));
            String after = live.log().substring(live.log().indexOf(expected));
            assertThat(after).doesNotContain("\tat ").doesNotContain("batch summary of daily_orders_export run "
                    + daily.path("run_id").asText() + ", batches");
            assertThat(live.log().lines().filter(l -> l.contains(expected))).singleElement().asString()
                    .contains(" WARN ");
        }
    }

    @Test
    void theShippedExampleSummarisesTheDemoDataset() throws Exception {
        Harness h = Harness.demo(tmp);
        Files.copy(DAILY, h.flows.resolve(DAILY.getFileName()));
        Path routes = Files.createDirectories(h.dir.resolve("routes"));
        Files.copy(EXAMPLE, routes.resolve(EXAMPLE.getFileName()));

        try (LiveProcess live = LiveProcess.start(h)) {
            live.awaitRouteFile("batch-summary.yaml", r -> r.path("route_ids").size() == 1);
            JsonNode run = live.runAndWait("daily_orders_export");
            assertThat(run.path("rows").asLong()).isEqualTo(60); // new and changed rows of batches 40..44
            assertThat(run.path("batch_range").asText()).isEqualTo("40..44");

            // batches 40..44 hold 100 rows: 40 new, 20 changed, 20 deleted, 20 unchanged (demo.sql)
            String summary = "io.flowexport.events - batch summary of daily_orders_export run "
                    + run.path("run_id").asText() + ", batches 40..44: [{\"xt_record_type\":\"changed\","
                    + "\"row_count\":20},{\"xt_record_type\":\"deleted\",\"row_count\":20},"
                    + "{\"xt_record_type\":\"new\",\"row_count\":40},{\"xt_record_type\":\"unchanged\","
                    + "\"row_count\":20}]\n";
            await().atMost(Duration.ofSeconds(30)).until(() -> live.log().contains(summary));
        }
    }
}
