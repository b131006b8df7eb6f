package io.flowexport.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowexport.flow.parse.FlowParser;
import io.flowexport.diag.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Against a real, started Camel context holding a runner route ({@code housekeeping}, a timer that counts ticks) and
 * another operator file ({@code routes/other.yaml}); after every test both must still be the same running routes.
 */
class OperatorRoutesTest {

    private static final Path HELLO = Path.of("routes/hello.yaml");
    private static final Path OTHER = Path.of("routes/other.yaml");
    private static final String OTHER_YAML = """
            - route:
                id: other
                from:
                  uri: direct:other
                  steps:
                    - setBody:
                        constant: other
            """;

    private final AtomicLong ticks = new AtomicLong();
    private DefaultCamelContext context;
    private ProducerTemplate template;
    private OperatorRoutes routes;
    private Route housekeeping;
    private Route other;

    @BeforeEach
    void startContext() throws Exception {
        context = new DefaultCamelContext();
        // fail at once when a direct endpoint has no consumer instead of waiting 30 s for one
        context.getComponent("direct", DirectComponent.class).setBlock(false);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:housekeeping?delay=0&period=10").routeId("housekeeping")
                        .process(e -> ticks.incrementAndGet());
            }
        });
        context.start();
        template = context.createProducerTemplate();
        routes = new OperatorRoutes(context);
        assertThat(routes.apply(OTHER, bytes(OTHER_YAML)).result()).isEqualTo(RouteFileStatus.LOADED);
        housekeeping = context.getRoute("housekeeping");
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() > 0);
        other = context.getRoute("other");
    }

    @AfterEach
    void othersKeptRunning() {
        try {
            assertThat(context.getRoute("housekeeping")).isSameAs(housekeeping);
            assertThat(context.getRoute("other")).isSameAs(other);
            assertThat(context.getRouteController().getRouteStatus("housekeeping").isStarted()).isTrue();
            long before = ticks.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() > before);
            assertThat(call("direct:other")).isEqualTo("other");
            assertThat(housekeeping.getUptimeMillis()).isPositive();
        } finally {
            context.stop();
        }
    }

    @Test
    void addEditUnchangedDelete() {
        RouteFileStatus added = routes.apply(HELLO, bytes(hello("v1")));
        assertThat(added).extracting(RouteFileStatus::result, RouteFileStatus::routeIds, RouteFileStatus::problems)
                .containsExactly(RouteFileStatus.LOADED, List.of("hello"), List.of());
        assertThat(added.version()).isEqualTo(FlowParser.version(bytes(hello("v1")))).isEqualTo(added.activeVersion());
        assertThat(call("direct:hello")).isEqualTo("v1");

        RouteFileStatus edited = routes.apply(HELLO, bytes(hello("v2")));
        assertThat(edited.result()).isEqualTo(RouteFileStatus.REPLACED);
        assertThat(edited.activeVersion()).isEqualTo(FlowParser.version(bytes(hello("v2"))));
        assertThat(call("direct:hello")).isEqualTo("v2");

        Route running = context.getRoute("hello");
        RouteFileStatus same = routes.apply(HELLO, bytes(hello("v2")));
        assertThat(same.result()).isEqualTo(RouteFileStatus.UNCHANGED);
        assertThat(same.live()).isTrue();
        assertThat(context.getRoute("hello")).isSameAs(running);

        assertThat(routes.remove(HELLO)).containsExactly("hello");
        assertThat(context.getRoute("hello")).isNull();
        assertThat(routeDefinitionIds()).doesNotContain("hello");
        assertThat(routes.status()).extracting(RouteFileStatus::file).containsExactly(OTHER);
        assertThatThrownBy(() -> call("direct:hello")).isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(DirectConsumerNotAvailableException.class);
        assertThat(routes.remove(HELLO)).isEmpty();
    }

    static List<Arguments> brokenVersions() {
        return List.of(
                Arguments.of("YAML syntax", """
                        - from:
                            uri: direct:hello
                           steps: [
                        """, 3, 4, "", "invalid YAML: while parsing a block mapping: expected <block end>"),
                Arguments.of("unknown DSL key", """
                        - from:
                            uri: direct:hello
                            steps:
                              - setBodyy:
                                  constant: v2
                        """, 4, 9, "", "invalid route: Unknown node id: setBodyy"),
                Arguments.of("unknown component", """
                        - from:
                            uri: "nosuch:x"
                            steps:
                              - log: hi
                        """, 1, 1, "hello", "cannot start the route: No endpoint could be found for: nosuch://x"),
                Arguments.of("bad endpoint option", """
                        - from:
                            uri: direct:hello?nope=1
                            steps:
                              - log: hi
                        """, 1, 1, "hello", "Unknown parameters=[{nope=1}]"),
                Arguments.of("consumer of another file's endpoint (fails at start)", """
                        - from:
                            uri: direct:other
                            steps:
                              - log: hi
                        """, 1, 1, "hello", "Multiple consumers for the same endpoint is not allowed: direct://other"),
                Arguments.of("reserved prefix", """
                        - route:
                            id: flow-orders
                            from:
                              uri: direct:hello
                              steps:
                                - log: hi
                        """, 1, 1, "flow-orders", "starts with 'flow-', which is reserved for the runner's own routes"),
                Arguments.of("id of another file", """
                        - route:
                            id: other
                            from:
                              uri: direct:hello
                              steps:
                                - log: hi
                        """, 1, 1, "other", "route id 'other' is already used by " + OTHER),
                Arguments.of("id of a runner route", """
                        - route:
                            id: housekeeping
                            from:
                              uri: direct:hello
                              steps:
                                - log: hi
                        """, 1, 1, "housekeeping", "already used by a route of the runner"),
                Arguments.of("id twice in the file", """
                        - route:
                            id: twice
                            from:
                              uri: direct:hello
                              steps:
                                - log: hi
                        - route:
                            id: twice
                            from:
                              uri: direct:hello2
                              steps:
                                - log: hi
                        """, 7, 1, "twice", "route id 'twice' is used twice in this file"),
                Arguments.of("no routes", "foo: bar\n", 1, 1, "", "no routes found"),
                Arguments.of("only comments", "# - from: direct:hello\n", 1, 1, "", "the file has no routes"),
                Arguments.of("rest", """
                        - rest:
                            path: /x
                        """, 1, 1, "", "'rest' is not supported in operator route files"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenVersions")
    void brokenVersionKeepsTheLastGoodOne(String name, String yaml, int line, int column, String key, String what) {
        String v1 = routes.apply(HELLO, bytes(hello("v1"))).activeVersion();
        Route running = context.getRoute("hello");

        RouteFileStatus broken = routes.apply(HELLO, bytes(yaml));

        assertThat(broken.result()).isEqualTo(RouteFileStatus.KEPT_LAST_GOOD);
        assertThat(broken.version()).isEqualTo(FlowParser.version(bytes(yaml)));
        assertThat(broken.activeVersion()).isEqualTo(v1);
        assertThat(broken.routeIds()).containsExactly("hello");
        assertThat(broken.problems()).hasSize(1);
        Problem problem = broken.problems().get(0);
        assertThat(problem).extracting(Problem::file, Problem::line, Problem::column, Problem::key)
                .containsExactly(HELLO, line, column, key);
        assertThat(problem.message()).contains(what).endsWith("the last good version " + v1 + " keeps running");
        assertThat(call("direct:hello")).isEqualTo("v1");
        assertThat(routeDefinitionIds()).containsExactlyInAnyOrder("housekeeping", "other", "hello");
        assertThat(context.getRoutes()).extracting(Route::getRouteId)
                .containsExactlyInAnyOrder("housekeeping", "other", "hello");
        if (!key.equals("hello")) { // found before the replacement: the running route itself was not touched
            assertThat(context.getRoute("hello")).isSameAs(running);
        }

        RouteFileStatus fixed = routes.apply(HELLO, bytes(hello("v3")));
        assertThat(fixed.result()).isEqualTo(RouteFileStatus.REPLACED);
        assertThat(fixed.problems()).isEmpty();
        assertThat(call("direct:hello")).isEqualTo("v3");
    }

    @Test
    void aFileThatNeverLoadedRunsNothing() {
        Path admin = Path.of("routes/api-admin.yaml");
        RouteFileStatus status = routes.apply(admin, bytes(hello("v1").replace("direct:hello", "direct:admin")));

        assertThat(status.result()).isEqualTo(RouteFileStatus.NOT_LOADED);
        assertThat(status.activeVersion()).isNull();
        assertThat(status.routeIds()).isEmpty();
        assertThat(status.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("api-admin");
            assertThat(p.message()).contains("(derived from the file name; set 'id' on the route)")
                    .endsWith("the file is not loaded: fix it and save it again");
        });
        assertThat(context.getRoute("api-admin")).isNull();
        assertThat(routes.status()).extracting(RouteFileStatus::file).containsExactly(admin, OTHER);
        assertThat(routes.remove(admin)).isEmpty();
        assertThat(routes.status()).extracting(RouteFileStatus::file).containsExactly(OTHER);
    }

    @Test
    void routesWithoutIdsAreNumberedAndFollowARename() {
        String pair = """
                - from:
                    uri: direct:p1
                    steps:
                      - setBody:
                          constant: one
                - from:
                    uri: direct:p2
                    steps:
                      - setBody:
                          constant: two
                """;
        Path before = Path.of("routes/pair.yaml");
        assertThat(routes.apply(before, bytes(pair)).routeIds()).containsExactly("pair-1", "pair-2");
        assertThat(call("direct:p1")).isEqualTo("one");
        assertThat(call("direct:p2")).isEqualTo("two");

        assertThat(routes.remove(before)).containsExactly("pair-1", "pair-2");
        RouteFileStatus renamed = routes.apply(Path.of("routes/duo.camel.yaml"), bytes(pair));

        assertThat(renamed.result()).isEqualTo(RouteFileStatus.LOADED);
        assertThat(renamed.routeIds()).containsExactly("duo-1", "duo-2");
        assertThat(context.getRoute("pair-1")).isNull();
        assertThat(call("direct:p2")).isEqualTo("two");
        assertThat(routes.status()).extracting(RouteFileStatus::file)
                .containsExactly(Path.of("routes/duo.camel.yaml"), OTHER);
    }

    @Test
    void logsEachLoadOnceAndEachProblemSetOnce() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.flowexport.reload");
        log.start();
        logger.addAppender(log);
        try {
            routes.apply(HELLO, bytes(hello("v1")));
            routes.apply(HELLO, bytes(hello("v1")));
            routes.apply(HELLO, bytes("foo: bar\n"));
            routes.apply(HELLO, bytes("foo: bar\n"));
            routes.apply(HELLO, bytes("bar: foo\n"));
            routes.remove(HELLO);
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.INFO, "Loaded operator routes routes/hello.yaml version "
                        + FlowParser.version(bytes(hello("v1"))) + ": [hello]"),
                tuple(Level.WARN, warning("foo: bar\n")),
                tuple(Level.WARN, warning("bar: foo\n")),
                tuple(Level.INFO, "Removed operator routes routes/hello.yaml version "
                        + FlowParser.version(bytes(hello("v1"))) + ": [hello]"));
    }

    @Test
    void statusIsSortedByFileName() {
        routes.apply(Path.of("routes/zz.yaml"), bytes(hello("z").replace("direct:hello", "direct:zz")));
        routes.apply(Path.of("routes/aa.yaml"), bytes("foo: bar\n"));

        assertThat(routes.status()).extracting(s -> s.file().getFileName().toString())
                .containsExactly("aa.yaml", "other.yaml", "zz.yaml");
        assertThat(routes.status()).extracting(RouteFileStatus::result)
                .containsExactly(RouteFileStatus.NOT_LOADED, RouteFileStatus.LOADED, RouteFileStatus.LOADED);
    }

    @Test
    void statusSnapshotsAreConsistentWhileFilesAreApplied() {
        AtomicBoolean applying = new AtomicBoolean(true);
        CompletableFuture<List<RouteFileStatus>> reader = CompletableFuture.supplyAsync(() -> {
            List<RouteFileStatus> seen = new ArrayList<>();
            do {
                seen.addAll(routes.status());
            } while (applying.get());
            return seen;
        });
        try {
            for (int i = 0; i < 20; i++) {
                routes.apply(HELLO, bytes(hello("v" + i)));
                routes.apply(HELLO, bytes("foo: bar " + i + "\n"));
            }
        } finally {
            applying.set(false);
        }
        assertThat(reader.join()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.problems().isEmpty()).isEqualTo(s.live());
            assertThat(s.routeIds().isEmpty()).isEqualTo(s.activeVersion() == null);
        });
        assertThat(call("direct:hello")).isEqualTo("v19");
    }

    private static String warning(String yaml) {
        String v1 = FlowParser.version(bytes(hello("v1")));
        return "Operator routes routes/hello.yaml version " + FlowParser.version(bytes(yaml))
                + " not loaded, kept last good version: routes/hello.yaml:1:1: no routes found; a route file is a YAML"
                + " list of '- route:' or '- from:' entries; the last good version " + v1 + " keeps running";
    }

    private static String hello(String body) {
        return """
                - from:
                    uri: direct:hello
                    steps:
                      - setBody:
                          constant: %s
                """.formatted(body);
    }

    private List<String> routeDefinitionIds() {
        return context.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .map(RouteDefinition::getRouteId).toList();
    }

    private String call(String uri) {
        return template.requestBody(uri, "", String.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
