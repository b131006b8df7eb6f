package io.flowexport.destination.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.eventhub.EventHubConnector;
import io.flowexport.destination.eventhub.EventHubProtocol;
import io.flowexport.destination.eventhub.EventHubSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code eventhub} connector over Kafka (Camel's kafka component, kafka-clients) against a real in-process
 * Kafka broker that accepts only the Event Hubs login ({@code $ConnectionString} / the connection string) over SASL
 * PLAIN: what is consumed back is compared with the source rows, ids, keys and headers.
 */
class EventHubKafkaIT {

    private static final String CS = "Endpoint=sb://contoso-events.servicebus.windows.net/;SharedAccessKeyName="
            + "send;SharedAccessKey=c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker broker;
    private static int topics;

    @TempDir
    Path dir;

    private CamelContext camel;
    private EventHubConnector connector;
    private String topic;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(CS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws IOException {
        camel = new DefaultCamelContext();
        camel.start();
        connector = new EventHubConnector(() -> camel, new Secrets(Map.of("CS", CS, "WRONG", CS.replace("c2Vj",
                "d3Jv"))::get), new FileDestination(Files.createDirectories(dir.resolve("out"))));
        topic = "orders-" + (++topics);
        broker.createTopic(topic, 2);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private EventHubSpec hub(int perMessage, List<String> keys, List<String> props, String partitionKey,
                                         long maxMessage, long maxBatch, String deadLetter, String secret) {
        return new EventHubSpec("events", null, "contoso-events", topic,
                EventHubProtocol.KAFKA, broker.bootstrapServers(), false,
                new AzureAuth.ConnectionString(new SecretValue("${env:" + secret + "}")),
                new MessageShape(perMessage, keys, props, maxMessage, maxBatch, deadLetter),
                partitionKey, 2, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    private Shipment shipment(Path file, String runId) {
        return new Shipment("orders", runId, file, FileFormat.JSON, false, Map.of("batch_id", "42"), "41..42",
                "batches 41..42", () -> false, "change_feed_orders", ExportMode.INCREMENTAL, 0, 41L, 42L, List.of());
    }

    private Path rows(int n) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 1; i <= n; i++) {
            sb.append(i == 1 ? "" : ",\n").append("{\"order_id\": ").append(i).append(", \"customer_id\": ")
                    .append(i % 3).append(", \"region\": \"").append(i % 2 == 0 ? "eu" : "us")
                    .append("\", \"total\": ").append(i).append(".25, \"xt_record_type\": \"")
                    .append(i % 5 == 0 ? "changed" : "new").append("\", \"xt_batch_id\": ").append(i <= n / 2 ? 41 : 42)
                    .append('}');
        }
        return Files.writeString(dir.resolve("rows-" + n + ".json"), sb.append("\n]\n").toString());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void oneEventPerRowArrivesWithItsKeyIdAndPropertiesAndNothingElse() throws Exception {
        Path file = rows(40);
        Delivered d = connector.deliver(shipment(file, "r1"), hub(1, List.of("order_id"), List.of("region"),
                "customer_id", 1 << 20, 2048, null, "CS"), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.chunks()).as("several batches of at most 2 KB").isGreaterThan(1);

        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>(broker.consumeAll(topic, 40, Duration.ofSeconds(20)));
        got.sort(Comparator.comparingInt(r -> readInt(r.value(), "order_id")));
        JsonNode source = JSON.readTree(file.toFile());
        for (int i = 0; i < 40; i++) {
            ConsumerRecord<byte[], byte[]> r = got.get(i);
            JsonNode row = source.get(i);
            assertThat(JSON.readTree(r.value())).isEqualTo(row);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(row.get("customer_id").asText());
            assertThat(header(r, "flow_id")).isEqualTo("orders");
            assertThat(header(r, "run_id")).isEqualTo("r1");
            assertThat(header(r, "batch_id")).isEqualTo(row.get("xt_batch_id").asText());
            assertThat(header(r, "xt_record_type")).isEqualTo(row.get("xt_record_type").asText());
            assertThat(header(r, "region")).isEqualTo(row.get("region").asText());
            assertThat(header(r, "content_type")).isEqualTo("application/json");
            assertThat(header(r, "message_id")).hasSize(32);
            Set<String> names = new HashSet<>();
            r.headers().forEach(h -> names.add(h.key()));
            assertThat(names).as("only the intended headers").containsExactlyInAnyOrder("flow_id", "run_id",
                    "batch_id", "xt_record_type", "region", "content_type", "message_id");
        }
        assertThat(got.stream().map(r -> header(r, "message_id")).distinct()).hasSize(40);
    }

    @Test
    void aSecondRunOfTheSameBatchesSendsTheSameIdsAndAResumeSkipsAcknowledgedBatches() throws Exception {
        Path file = rows(30);
        EventHubSpec h = hub(1, List.of("order_id"), List.of(), null, 1 << 20, 1500, null, "CS");
        Delivered first = connector.deliver(shipment(file, "r1"), h, 0);
        assertThat(first.ok()).as(first.detail()).isTrue();
        Delivered second = connector.deliver(shipment(file, "r2"), h, 0);
        assertThat(second.ok()).isTrue();
        Delivered resumed = connector.deliver(shipment(file, "r3"), h, first.chunks() - 1);
        assertThat(resumed.ok()).isTrue();
        assertThat(resumed.chunks()).isEqualTo(first.chunks());

        List<ConsumerRecord<byte[], byte[]>> got = broker.consumeAll(topic, 60, Duration.ofSeconds(20));
        Map<String, List<String>> idsByRun = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : got) {
            idsByRun.computeIfAbsent(header(r, "run_id"), k -> new ArrayList<>()).add(header(r, "message_id"));
        }
        assertThat(new HashSet<>(idsByRun.get("r2"))).isEqualTo(new HashSet<>(idsByRun.get("r1"))).hasSize(30);
        assertThat(idsByRun.get("r3")).as("only the last batch").isNotEmpty().hasSizeLessThan(30);
        assertThat(idsByRun.get("r1")).containsAll(idsByRun.get("r3"));
    }

    @Test
    void chunksOfRowsGoAsJsonArraysWithRowCounts() throws Exception {
        Path file = rows(25);
        Delivered d = connector.deliver(shipment(file, "r1"), hub(10, List.of(), List.of(), null, 1 << 20, 1 << 20,
                null, "CS"), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        List<ConsumerRecord<byte[], byte[]>> got = broker.consumeAll(topic, 3, Duration.ofSeconds(20));
        assertThat(got).extracting(r -> header(r, "row_count")).containsExactlyInAnyOrder("10", "10", "5");
        int rows = 0;
        for (ConsumerRecord<byte[], byte[]> r : got) {
            rows += JSON.readTree(r.value()).size();
            assertThat(r.key()).isNull();
        }
        assertThat(rows).isEqualTo(25);
    }

    @Test
    void aRowTooLargeGoesToTheDeadLetterFileAndTheOthersAreSent() throws Exception {
        Path file = Files.writeString(dir.resolve("big.json"), "[{\"order_id\": 1, \"note\": \"ok\"}, "
                + "{\"order_id\": 2, \"note\": \"" + "z".repeat(3000) + "\"}, {\"order_id\": 3, \"note\": \"ok\"}]");
        Delivered d = connector.deliver(shipment(file, "r1"), hub(1, List.of("order_id"), List.of(), null, 2048,
                1 << 20, "dead/{batch_id}.jsonl", "CS"), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.detail()).contains("1 row(s) too large for one message written to dead/42.jsonl");
        assertThat(broker.consumeAll(topic, 2, Duration.ofSeconds(20))).hasSize(2);
        JsonNode dead = JSON.readTree(Files.readString(dir.resolve("out/dead/42.jsonl")));
        assertThat(dead.get("row").get("order_id").asInt()).isEqualTo(2);
        assertThat(dead.get("reason").asText()).startsWith("order_id=2 is ");
    }

    @Test
    void aRefusedConnectionStringFailsWithoutSendingAndNeverShowsTheSecret() throws Exception {
        Delivered d = connector.deliver(shipment(rows(3), "r1"), hub(1, List.of(), List.of(), null, 1 << 20,
                1 << 20, null, "WRONG"), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("the connection string ${env:WRONG} was refused")
                .doesNotContain("SharedAccessKey=");
        assertThat(connector.check(hub(1, List.of(), List.of(), null, 1 << 20, 1 << 20, null, "CS"), Map.of()))
                .isNull();
        EventHubSpec missing = new EventHubSpec("events", null, "contoso-events", "nohub",
                EventHubProtocol.KAFKA, broker.bootstrapServers(), false,
                new AzureAuth.ConnectionString(new SecretValue("${env:CS}")), hub(1, List.of(), List.of(), null,
                1 << 20, 1 << 20, null, "CS").messages(), null, 1, Duration.ofMillis(50), Duration.ofMillis(50),
                Duration.ofSeconds(5));
        assertThat(connector.check(missing, Map.of())).contains("event hub 'nohub'", "does not exist");
    }

    private static int readInt(byte[] json, String field) {
        try {
            return JSON.readTree(json).get(field).asInt();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
