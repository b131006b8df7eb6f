package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector against in-memory endpoints ({@code seda:}) of a real CamelContext: no server needed. */
class CamelConnectorTest {

    private static final String SECRET = "Zq7-not-a-real-password";
    private static CamelContext context;

    @TempDir
    Path dir;

    private final CamelConnector connector = new CamelConnector(() -> context,
            new Secrets(Map.of("SINK_PASSWORD", SECRET)::get));

    @BeforeAll
    static void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    @Test
    void sendsTheFileAsOneMessageWithItsHeaders() throws Exception {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id,name\n1,a\n2,b\n");
        Delivered d = connector.deliver(shipment(file), CamelSpec.of("sink", "seda:exports-{flow_id}"), 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.chunks()).isEqualTo(1);
        assertThat(d.target()).isEqualTo("seda:exports-orders");
        assertThat(d.detail()).contains("orders_r1.csv", "text/csv", "16 bytes");
        try (ConsumerTemplate consumer = context.createConsumerTemplate()) {
            Exchange got = consumer.receive("seda:exports-orders", 5_000);
            assertThat(got.getIn().getBody()).isInstanceOf(InputStream.class);
            assertThat(got.getIn().getHeaders()).containsEntry("CamelFileName", "orders_r1.csv")
                    .containsEntry("Content-Type", "text/csv").containsEntry("FlowExportRunId", "r1")
                    .containsEntry("FlowExportBatchRange", "41..44").containsKey("FlowExportIdempotencyKey");
        }
    }

    @Test
    void aRefusedEndpointIsANotOkDeliveryThatNamesItAndHidesTheSecret() throws IOException {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id\n1\n");
        // seda has no password option: Camel refuses the endpoint and lists the options it could not set
        CamelSpec spec = CamelSpec.of("sink", "seda:x?password=${env:SINK_PASSWORD}&user=bob");

        Delivered d = connector.deliver(shipment(file), spec, 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("flow 'orders'", "camel destination 'sink'", "seda:x?password=xxxxxx",
                "the endpoint cannot be created", "the delivery stays pending").doesNotContain(SECRET);
        assertThat(d.target()).doesNotContain(SECRET);
        assertThat(connector.check(spec, Map.of())).contains("camel destination 'sink'").doesNotContain(SECRET);
        assertThat(context.getEndpoints()).noneMatch(e -> e.getEndpointUri().startsWith("seda://x"));
    }

    @Test
    void retriesThenGivesUpWithTheAttemptsCounted() throws IOException {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id\n1\n");
        // a full queue that refuses at once: every send fails, each attempt is a new endpoint
        CamelSpec spec = CamelSpec.of("sink", "seda:full?size=1&blockWhenFull=false&discardWhenFull=false")
                .withRetry(3, Duration.ofMillis(10), Duration.ofMillis(20));
        context.getEndpoint("seda:full?size=1&blockWhenFull=false&discardWhenFull=false");
        context.createProducerTemplate().sendBody("seda:full?size=1&blockWhenFull=false&discardWhenFull=false", "x");

        Delivered d = connector.deliver(shipment(file), spec, 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("after 3 attempt(s)", "Queue full");
        // the endpoint was there before the delivery: it is left in place
        assertThat(context.hasEndpoint("seda:full?size=1&blockWhenFull=false&discardWhenFull=false")).isNotNull();
    }

    @Test
    void concurrentDeliveriesToOneUriShareItsEndpointUntilTheLastIsDone() throws Exception {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id\n1\n");
        CamelSpec spec = CamelSpec.of("sink", "seda:together?size=100");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.Callable<Delivered> send = () -> connector.deliver(shipment(file), spec, 0);
            for (java.util.concurrent.Future<Delivered> r : pool.invokeAll(java.util.Collections.nCopies(20, send))) {
                assertThat(r.get().ok()).as(r.get().detail()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
        // removed by the last delivery that used it
        assertThat(context.hasEndpoint("seda:together?size=100")).isNull();
        try (ConsumerTemplate consumer = context.createConsumerTemplate()) {
            for (int i = 0; i < 20; i++) {
                assertThat(consumer.receive("seda:together?size=100", 5_000)).isNotNull();
            }
        }
    }

    @Test
    void anUnsetSecretIsNotRetriedAndNamesTheReference() throws IOException {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id\n1\n");
        Delivered d = connector.deliver(shipment(file), CamelSpec.of("sink", "seda:y?password=${env:UNSET_HERE}"), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("${env:UNSET_HERE} is not set").doesNotContain("attempt(s)");
    }

    @Test
    void aLiteralSecretIsRefusedBeforeAnythingIsSent() throws IOException {
        Path file = Files.writeString(dir.resolve("staged.csv"), "id\n1\n");
        Delivered d = connector.deliver(shipment(file), CamelSpec.of("sink", "seda:z?password=hunter22"), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("option 'password' holds a secret written in clear")
                .doesNotContain("hunter22");
    }

    @Test
    void checkOfAnUnknownComponentListsTheBundledOnes() {
        String answer = connector.check(CamelSpec.of("sink", "nosuchthing:x?a=1"), Map.of());
        assertThat(answer).contains("no Camel component 'nosuchthing' on the class path", "sftp", "spring-rabbitmq",
                "paho-mqtt5", "nats", "lib/");
    }

    @Test
    void checkOfAGoodUriCreatesNothingThatStays() {
        int before = context.getEndpoints().size();
        assertThat(connector.check(CamelSpec.of("sink", "sftp://bob@127.0.0.1:1/in?password=${env:SINK_PASSWORD}"),
                Map.of())).isNull();
        assertThat(connector.check(CamelSpec.of("sink", "sftp://h/in?noSuchOption=1"), Map.of()))
                .contains("the endpoint cannot be created", "noSuchOption");
        assertThat(context.getEndpoints()).hasSize(before);
    }

    private static Shipment shipment(Path file) {
        return new Shipment("orders", "r1", file, FileFormat.CSV, false, Map.of("batch_id", "44"), "41..44",
                "41..44", () -> false, "orders_ds", ExportMode.INCREMENTAL, 2, 41L, 44L, List.of());
    }
}
