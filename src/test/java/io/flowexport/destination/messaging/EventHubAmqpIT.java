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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code eventhub} connector over AMQP: the Azure SDK's producer against {@link AmqpBroker}, an in-process AMQP
 * 1.0 server that answers as Event Hubs does (SAS put-token, the tier's max-message-size on the link, batch
 * transfers). What the broker stored is compared with the source rows: bodies, ids, content types, partition keys,
 * the exact set of properties, and the size of every transfer under each tier's limit.
 */
class EventHubAmqpIT {

    private static final String KEY = "c2VuZC1rZXktZm9yLWFtcXAtdGVzdHM=";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AmqpBroker broker;
    private static int hubs;

    @TempDir
    Path dir;

    private EventHubConnector connector;
    private String hub;

    @BeforeAll
    static void startBroker() {
        broker = AmqpBroker.start().addKey("send", KEY).addKey("nosend", KEY).denySend("nosend");
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws IOException {
        broker.tier(AmqpBroker.STANDARD_MAX_MESSAGE_BYTES);
        connector = new EventHubConnector(() -> {
            throw new AssertionError("AMQP needs no Camel context");
        }, new Secrets(Map.of("CS", broker.connectionString("send", KEY),
                "WRONG", broker.connectionString("send", KEY.replace("c2Vu", "d3Jv")),
                "NOSEND", broker.connectionString("nosend", KEY))::get),
                new FileDestination(Files.createDirectories(dir.resolve("out"))));
        hub = "orders-" + (++hubs);
        broker.createEventHub(hub, 2);
    }

    @AfterEach
    void stop() {
        connector.close();
    }

    private EventHubSpec hub(String name, int perMessage, List<String> keys, List<String> props,
                                         String partitionKey, long maxBatch, String deadLetter, String secret,
                                         int attempts) {
        return new EventHubSpec("events", null, "contoso-events", name,
                EventHubProtocol.AMQP, null, true,
                new AzureAuth.ConnectionString(new SecretValue("${env:" + secret + "}")),
                new MessageShape(perMessage, keys, props, 1 << 20, maxBatch, deadLetter),
                partitionKey, attempts, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private EventHubSpec hub(int perMessage, List<String> keys, List<String> props, String partitionKey,
                                         long maxBatch) {
        return hub(hub, perMessage, keys, props, partitionKey, maxBatch, null, "CS", 3);
    }

    static Shipment shipment(Path file, String runId) {
        return new Shipment("orders", runId, file, FileFormat.JSON, false, Map.of("batch_id", "42"), "41..42",
                "batches 41..42", () -> false, "change_feed_orders", ExportMode.INCREMENTAL, 0, 41L, 42L, List.of());
    }

    /** {@code n} rows; {@code pad} characters of filler in each. */
    static Path rows(Path dir, int n, int pad) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 1; i <= n; i++) {
            sb.append(i == 1 ? "" : ",\n").append("{\"order_id\": ").append(i).append(", \"customer_id\": ")
                    .append(i % 3).append(", \"region\": \"").append(i % 2 == 0 ? "eu" : "us")
                    .append("\", \"total\": ").append(i).append(".25, \"note\": \"").append("n".repeat(pad))
                    .append("\", \"xt_record_type\": \"").append(i % 5 == 0 ? "changed" : "new")
                    .append("\", \"xt_batch_id\": ").append(i <= n / 2 ? 41 : 42).append('}');
        }
        return Files.writeString(dir.resolve("rows-" + n + "-" + pad + ".json"), sb.append("\n]\n").toString());
    }

    private static int orderId(AmqpBroker.Received r) {
        try {
            return JSON.readTree(r.body()).get("order_id").asInt();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void oneEventPerRowArrivesWithItsIdKeyContentTypeAndPropertiesAndNothingElse() throws Exception {
        Path file = rows(dir, 40, 0);
        Delivered d = connector.deliver(shipment(file, "r1"), hub(1, List.of("order_id"), List.of("region"),
                "customer_id", 4096), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.chunks()).as("several batches of at most 4 KB").isGreaterThan(1);

        List<AmqpBroker.Received> got = broker.received(hub).stream()
                .sorted(Comparator.comparingInt(EventHubAmqpIT::orderId)).toList();
        assertThat(got).hasSize(40);
        JsonNode source = JSON.readTree(file.toFile());
        for (int i = 0; i < 40; i++) {
            AmqpBroker.Received r = got.get(i);
            JsonNode row = source.get(i);
            assertThat(JSON.readTree(r.body())).isEqualTo(row);
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.messageId()).hasSize(32).isEqualTo(r.applicationProperties().get("message_id"));
            assertThat(r.messageAnnotations().get("x-opt-partition-key")).isEqualTo(row.get("customer_id").asText());
            Map<String, Object> p = r.applicationProperties();
            assertThat(p.keySet()).as("only the intended properties").containsExactlyInAnyOrder("flow_id", "run_id",
                    "batch_id", "xt_record_type", "region", "message_id");
            assertThat(p).containsEntry("flow_id", "orders").containsEntry("run_id", "r1")
                    .containsEntry("batch_id", row.get("xt_batch_id").asLong())
                    .containsEntry("xt_record_type", row.get("xt_record_type").asText())
                    .containsEntry("region", row.get("region").asText());
        }
        assertThat(got.stream().map(AmqpBroker.Received::messageId).distinct()).hasSize(40);
        // an SDK batch holds one partition key: every transfer's events share it
        Map<Long, Set<Object>> keysPerTransfer = got.stream().collect(Collectors.groupingBy(
                AmqpBroker.Received::transferId, Collectors.mapping(r -> r.messageAnnotations()
                        .get("x-opt-partition-key"), Collectors.toSet())));
        assertThat(keysPerTransfer.values()).allSatisfy(keys -> assertThat(keys).hasSize(1));
        assertThat(broker.transfers(hub)).anySatisfy(t -> assertThat(t.messageCount()).isGreaterThan(1));
    }

    @Test
    void batchesAreSplitToFitEachTiersLimit() throws Exception {
        for (long tier : new long[] {AmqpBroker.BASIC_MAX_MESSAGE_BYTES, AmqpBroker.STANDARD_MAX_MESSAGE_BYTES}) {
            broker.tier(tier);
            String name = hub + "-" + tier;
            broker.createEventHub(name, 1);
            Path file = rows(dir, 120, 10_000); // about 1.2 MB of rows
            Delivered d = connector.deliver(shipment(file, "r1"), hub(name, 1, List.of("order_id"), List.of(), null,
                    4L << 20, null, "CS", 1), 0);
            assertThat(d.ok()).as(d.detail()).isTrue();
            List<AmqpBroker.Transfer> transfers = broker.transfers(name);
            assertThat(transfers).allSatisfy(t -> assertThat(t.sizeBytes()).isLessThanOrEqualTo(tier));
            assertThat(transfers.stream().mapToLong(AmqpBroker.Transfer::sizeBytes).max().orElseThrow())
                    .as("batches are filled close to the tier's limit").isGreaterThan(tier * 3 / 4);
            assertThat(transfers.stream().mapToInt(AmqpBroker.Transfer::messageCount).sum()).isEqualTo(120);
            assertThat(broker.received(name).stream().map(AmqpBroker.Received::messageId).distinct()).hasSize(120);
        }
    }

    @Test
    void aRowLargerThanTheTierAllowsGoesToTheDeadLetterFileOrFailsNamingItsKey() throws Exception {
        broker.tier(AmqpBroker.BASIC_MAX_MESSAGE_BYTES);
        Path file = Files.writeString(dir.resolve("big.json"), "[{\"order_id\": 1, \"note\": \"ok\"}, "
                + "{\"order_id\": 2, \"note\": \"" + "z".repeat(300_000) + "\"}, {\"order_id\": 3, \"note\": \"ok\"}]");
        // max_message_size is 1 MB, but the Basic namespace announces 256 KB on the link: that limit applies
        Delivered failed = connector.deliver(shipment(file, "r1"), hub(1, List.of("order_id"), List.of(), null,
                1 << 20), 0);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).startsWith("order_id=2 is ").contains("more than the "
                + (AmqpBroker.BASIC_MAX_MESSAGE_BYTES - MessagingConnector.AMQP_OVERHEAD) + " bytes");
        assertThat(broker.rejectedCount(hub)).as("nothing too large reached the wire").isZero();

        broker.clear();
        Delivered d = connector.deliver(shipment(file, "r2"), hub(hub, 1, List.of("order_id"), List.of(), null,
                1 << 20, "dead/{batch_id}.jsonl", "CS", 3), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.detail()).contains("1 row(s) too large for one message written to dead/42.jsonl");
        assertThat(broker.received(hub)).extracting(EventHubAmqpIT::orderId).containsExactlyInAnyOrder(1, 3);
        JsonNode dead = JSON.readTree(Files.readString(dir.resolve("out/dead/42.jsonl")));
        assertThat(dead.get("row").get("order_id").asInt()).isEqualTo(2);
    }

    @Test
    void aBusyNamespaceAndAnUnansweredBatchAreRetriedWithTheSameIds() throws Exception {
        Path file = rows(dir, 30, 0);
        broker.failNext(hub, 2, "com.microsoft:server-busy", "The request was terminated because the namespace is "
                + "being throttled.");
        Delivered busy = connector.deliver(shipment(file, "r1"), hub(1, List.of("order_id"), List.of(), null,
                1 << 20), 0);
        assertThat(busy.ok()).as(busy.detail()).isTrue();
        assertThat(broker.rejectedCount(hub)).isEqualTo(2);
        assertThat(broker.received(hub)).hasSize(30);
        Set<String> ids = broker.received(hub).stream().map(AmqpBroker.Received::messageId)
                .collect(Collectors.toSet());
        assertThat(ids).hasSize(30);

        broker.clear();
        broker.holdNext(hub, 1);
        EventHubSpec h = hub(1, List.of("order_id"), List.of(), null, 1 << 20);
        EventHubSpec quick = new EventHubSpec(h.name(), null, h.namespace(), h.eventHub(),
                h.protocol(), null, true, h.auth(), h.messages(), null, 3, Duration.ofMillis(50),
                Duration.ofMillis(100), Duration.ofSeconds(2));
        Delivered held = connector.deliver(shipment(file, "r2"), quick, 0);
        assertThat(held.ok()).as(held.detail()).isTrue();
        assertThat(broker.heldCount(hub)).isEqualTo(1);
        assertThat(broker.received(hub).stream().map(AmqpBroker.Received::messageId).collect(Collectors.toSet()))
                .as("a re-run sends the same ids").isEqualTo(ids);
    }

    @Test
    void aResumeSendsOnlyTheBatchesNotAcknowledged() throws Exception {
        Path file = rows(dir, 30, 0);
        EventHubSpec h = hub(1, List.of("order_id"), List.of(), null, 1500);
        Delivered first = connector.deliver(shipment(file, "r1"), h, 0);
        assertThat(first.ok()).isTrue();
        Set<String> all = broker.received(hub).stream().map(AmqpBroker.Received::messageId)
                .collect(Collectors.toSet());
        broker.clear();
        Delivered resumed = connector.deliver(shipment(file, "r2"), h, first.chunks() - 1);
        assertThat(resumed.ok()).isTrue();
        assertThat(resumed.chunks()).isEqualTo(first.chunks());
        List<String> again = broker.received(hub).stream().map(AmqpBroker.Received::messageId).toList();
        assertThat(again).as("only the last batch").isNotEmpty().hasSizeLessThan(30);
        assertThat(all).containsAll(again);
    }

    @Test
    void chunksOfRowsGoAsJsonArraysWithRowCounts() throws Exception {
        Delivered d = connector.deliver(shipment(rows(dir, 25, 0), "r1"), hub(10, List.of(), List.of(), null,
                1 << 20), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        List<AmqpBroker.Received> got = broker.received(hub);
        assertThat(got).extracting(r -> r.applicationProperties().get("row_count"))
                .containsExactlyInAnyOrder(10L, 10L, 5L);
        int rows = 0;
        for (AmqpBroker.Received r : got) {
            rows += JSON.readTree(r.body()).size();
            assertThat(r.contentType()).isEqualTo("application/json");
        }
        assertThat(rows).isEqualTo(25);
    }

    @Test
    void aRefusedKeyAMissingHubAndNoSendClaimFailAtOnceNamingWhatToDo() throws Exception {
        Path file = rows(dir, 3, 0);
        int tokensBefore = broker.putTokens().size();
        Delivered refused = connector.deliver(shipment(file, "r1"), hub(hub, 1, List.of(), List.of(), null, 1 << 20,
                null, "WRONG", 5), 0);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("the connection string ${env:WRONG} was refused by event hub '" + hub
                + "'").doesNotContain("SharedAccessKey=").doesNotContain(KEY.replace("c2Vu", "d3Jv"));
        assertThat(broker.putTokens().subList(tokensBefore, broker.putTokens().size()))
                .as("not retried: one refused token").filteredOn(t -> !t.accepted()).hasSize(1);
        assertThat(broker.received(hub)).isEmpty();

        assertThat(connector.check(hub(1, List.of(), List.of(), null, 1 << 20), Map.of())).isNull();
        assertThat(connector.check(hub("nohub", 1, List.of(), List.of(), null, 1 << 20, null, "CS", 1), Map.of()))
                .contains("event hub 'nohub' of namespace 'contoso-events'", "does not exist", "fix event_hub");
        assertThat(connector.check(hub(hub, 1, List.of(), List.of(), null, 1 << 20, null, "NOSEND", 1), Map.of()))
                .contains("${env:NOSEND} was refused", "Send claim");
    }

    @Test
    void aConnectionStringForAnotherNamespaceOrHubIsRefusedBeforeConnecting() {
        Secrets other = new Secrets(Map.of(
                "NS", "Endpoint=sb://other-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + KEY,
                "HUB", broker.connectionString("send", KEY, "payments"))::get);
        EventHubConnector c = new EventHubConnector(() -> null, other,
                new FileDestination(dir));
        assertThat(c.check(hub(hub, 1, List.of(), List.of(), null, 1 << 20, null, "NS", 1), Map.of()))
                .contains("is for host 'other-ns.servicebus.windows.net', not namespace 'contoso-events'")
                .doesNotContain(KEY);
        assertThat(c.check(hub(hub, 1, List.of(), List.of(), null, 1 << 20, null, "HUB", 1), Map.of()))
                .contains("is for entity 'payments' (its EntityPath), not '" + hub + "'");
        c.close();
    }

    @Test
    void aCsvFlowSendsChunksAsCsvWithItsHeader() throws Exception {
        StringBuilder csv = new StringBuilder("order_id,region,xt_batch_id\n");
        for (int i = 1; i <= 7; i++) {
            csv.append(i).append(',').append(i <= 4 ? "eu" : "\"u,s\"").append(",42\n");
        }
        Path file = Files.writeString(dir.resolve("rows.csv"), csv.toString());
        Shipment s = new Shipment("orders", "r1", file, FileFormat.CSV, false, Map.of("batch_id", "42"), "42",
                "batches 42", () -> false, "orders", ExportMode.INCREMENTAL, 7, 42L, 42L, List.of(),
                io.flowexport.flow.FormatOptions.Csv.defaults());
        Delivered d = connector.deliver(s, hub(3, List.of(), List.of(), "region", 1 << 20), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        List<AmqpBroker.Received> got = broker.received(hub);
        assertThat(got).extracting(AmqpBroker.Received::bodyText).containsExactlyInAnyOrder(
                "order_id,region,xt_batch_id\n1,eu,42\n2,eu,42\n3,eu,42\n",
                "order_id,region,xt_batch_id\n4,eu,42\n",
                "order_id,region,xt_batch_id\n5,\"u,s\",42\n6,\"u,s\",42\n7,\"u,s\",42\n");
        assertThat(got).extracting(AmqpBroker.Received::contentType).containsOnly("text/csv");
        assertThat(got).extracting(r -> r.messageAnnotations().get("x-opt-partition-key"))
                .containsExactlyInAnyOrder("eu", "eu", "u,s");
    }
}
