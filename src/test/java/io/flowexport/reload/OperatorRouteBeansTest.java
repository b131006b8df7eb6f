package io.flowexport.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.demo.DemoDatabase;
import io.flowexport.ops.RunEvents;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The {@code #source} bean and the bundled components (camel-jdbc, camel-sql, camel-csv, camel-jackson) in operator
 * routes, and the shipped example {@code routes/batch-summary.yaml} on the demo dataset, fed by real run events:
 * against an in-memory H2 source pooled as the runner pools it (read-only, autoCommit off).
 */
class OperatorRouteBeansTest {

    private static final Path EXAMPLE = Path.of("routes", "batch-summary.yaml");

    @TempDir
    Path tmp;

    private HikariDataSource source;
    private DefaultCamelContext context;
    private OperatorRoutes routes;
    private RunEvents events;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger eventsLog = (Logger) LoggerFactory.getLogger("io.flowexport.events");

    @BeforeEach
    void start() throws Exception {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        c.setAutoCommit(false);
        c.setReadOnly(true);
        c.setMaximumPoolSize(2);
        source = new HikariDataSource(c);
        context = new DefaultCamelContext();
        OperatorRouteBeans.bind(context, source);
        context.start();
        routes = new OperatorRoutes(context);
        events = new RunEvents(context, tmp);
        log.start();
        eventsLog.addAppender(log);
    }

    @AfterEach
    void stop() {
        eventsLog.detachAppender(log);
        context.stop();
        source.close();
    }

    @Test
    void theExampleSummarisesTheBatchRangeOfTheDemoDataset() throws Exception {
        DemoDatabase.ensure(source);
        assertThat(routes.apply(EXAMPLE, Files.readAllBytes(EXAMPLE)).problems()).isEmpty();

        events.publish(run("daily_orders_export", "r1", RunStatus.SUCCEEDED, 40L, 44L));
        events.publish(run("orders_full_csv", "r2", RunStatus.SUCCEEDED, 40L, 44L)); // another flow: ignored
        events.publish(run("daily_orders_export", "r3", RunStatus.NOTHING_NEW, null, null)); // nothing published
        events.publish(run("daily_orders_export", "r4", RunStatus.SUCCEEDED, 42L, 42L));

        // batches 40..44 hold 100 rows: x <= 20 new; above, x mod 4 = 0 changed, 1 unchanged, 2 deleted, 3 new
        await().atMost(Duration.ofSeconds(10)).until(() -> messages().size() == 2);
        assertThat(messages()).containsExactlyInAnyOrder(
                "batch summary of daily_orders_export run r1, batches 40..44: [{\"xt_record_type\":\"changed\","
                        + "\"row_count\":20},{\"xt_record_type\":\"deleted\",\"row_count\":20},"
                        + "{\"xt_record_type\":\"new\",\"row_count\":40},{\"xt_record_type\":\"unchanged\","
                        + "\"row_count\":20}]",
                "batch summary of daily_orders_export run r4, batches 42: [{\"xt_record_type\":\"changed\","
                        + "\"row_count\":5},{\"xt_record_type\":\"deleted\",\"row_count\":5},"
                        + "{\"xt_record_type\":\"new\",\"row_count\":5},{\"xt_record_type\":\"unchanged\","
                        + "\"row_count\":5}]");
        assertThat(log.list).allMatch(e -> e.getLevel() == Level.INFO);
    }

    @Test
    void theExampleSaysInOneWarningWhyItHasNoSummary() throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE change_feed_orders (order_id INTEGER, xt_batch_id BIGINT)");
            c.commit();
        }
        assertThat(routes.apply(EXAMPLE, Files.readAllBytes(EXAMPLE)).problems()).isEmpty();

        events.publish(run("daily_orders_export", "r1", RunStatus.SUCCEEDED, 1L, 1L));

        await().atMost(Duration.ofSeconds(10)).until(() -> !log.list.isEmpty());
        assertThat(log.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).startsWith("no batch summary of daily_orders_export run r1: ")
                    .containsIgnoringCase("xt_record_type");
            assertThat(e.getThrowableProxy()).isNull();
        });
    }

    @Test
    void jdbcSourceWithCsvAndJsonMarshalling() throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20), xt_batch_id BIGINT)");
            s.execute("INSERT INTO items VALUES (1, 'a', 1), (2, 'b, c', 1), (3, NULL, 2)");
            c.commit();
        }
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(routes.apply(Path.of("routes", "items.yaml"), ("""
                - route:
                    id: items-report
                    from:
                      uri: seda:flowexport-runs?multipleConsumers=true
                      steps:
                        - setBody:
                            constant: SELECT id, name FROM items ORDER BY id
                        - to: jdbc:source
                        - setProperty:
                            name: rows
                            simple: ${body}
                        - marshal:
                            csv:
                              header: id,name
                        - to: file:%1$s?fileName=${header.FlowExportRunId}.csv
                        - setBody:
                            simple: ${exchangeProperty.rows}
                        - marshal:
                            json: {}
                        - to: file:%1$s?fileName=${header.FlowExportRunId}.json
                """).formatted(out).getBytes()).problems()).isEmpty();

        events.publish(run("items", "r1", RunStatus.SUCCEEDED, 1L, 2L));

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out.resolve("r1.json")));
        assertThat(Files.readString(out.resolve("r1.csv"))).isEqualTo("id,name\r\n1,a\r\n2,\"b, c\"\r\n3,\r\n");
        assertThat(Files.readString(out.resolve("r1.json")))
                .isEqualTo("[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b, c\"},{\"id\":3,\"name\":null}]");
    }

    @Test
    void sqlOnTheSourceByNameAndAutowired() throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, xt_batch_id BIGINT)");
            s.execute("INSERT INTO items VALUES (1, 1), (2, 2), (3, 2)");
            c.commit();
        }
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(routes.apply(Path.of("routes", "sql.yaml"), ("""
                - route:
                    id: by-name
                    from:
                      uri: seda:flowexport-runs?multipleConsumers=true
                      steps:
                        - setHeader:
                            name: batch
                            constant: 2
                        - to: sql:SELECT id FROM items WHERE xt_batch_id = :#batch ORDER BY id?dataSource=#source
                        - marshal:
                            json: {}
                        - to: file:%1$s?fileName=by-name.json
                - route:
                    id: autowired
                    from:
                      uri: seda:flowexport-runs?multipleConsumers=true
                      steps:
                        - to: sql:SELECT COUNT(*) AS n FROM items?outputType=SelectOne
                        - convertBodyTo:
                            type: java.lang.String
                        - to: file:%1$s?fileName=autowired.txt
                """).formatted(out).getBytes()).problems()).isEmpty();

        events.publish(run("items", "r1", RunStatus.SUCCEEDED, 1L, 2L));

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(out.resolve("by-name.json"))
                && Files.exists(out.resolve("autowired.txt")));
        assertThat(Files.readString(out.resolve("by-name.json"))).isEqualTo("[{\"id\":2},{\"id\":3}]");
        assertThat(Files.readString(out.resolve("autowired.txt"))).isEqualTo("3");
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static RunResult run(String flow, String runId, RunStatus status, Long first, Long last) {
        boolean published = status == RunStatus.SUCCEEDED;
        return new RunResult(flow, "v1", runId, "manual", Instant.parse("2026-12-05T10:00:00Z"), status,
                published ? 60 : 0, published ? 4907 : 0, null, first, last, 0.2, published ? null : "nothing new");
    }
}
