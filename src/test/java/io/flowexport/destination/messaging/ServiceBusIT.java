package io.flowexport.destination.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.servicebus.ServiceBusConnector;
import io.flowexport.destination.servicebus.ServiceBusSpec;
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
 * The {@code servicebus} connector: the Azure SDK's sender against {@link AmqpBroker} answering as Service Bus
 * does (SAS put-token, sessions, duplicate detection by MessageId, the tier's size). Compares what the broker stored
 * with the source rows, and shows that a second run of the same rows is dropped by duplicate detection.
 */
class ServiceBusIT {

    private static final String KEY = "YnVzLXNlbmQta2V5LWZvci10ZXN0cw==";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AmqpBroker broker;
    private static int entities;

    @TempDir
    Path dir;

    private ServiceBusConnector connector;
    private String name;

    @BeforeAll
    static void startBroker() {
        broker = AmqpBroker.start().addKey("send", KEY);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws IOException {
        broker.tier(AmqpBroker.STANDARD_MAX_MESSAGE_BYTES);
        connector = new ServiceBusConnector(() -> {
            throw new AssertionError("AMQP needs no Camel context");
        }, new Secrets(Map.of("CS", broker.connectionString("send", KEY),
                "WRONG", broker.connectionString("send", KEY.replace("YnVz", "d3Jv")))::get),
                new FileDestination(Files.createDirectories(dir.resolve("out"))));
        name = "orders-" + (++entities);
    }

    @AfterEach
    void stop() {
        connector.close();
    }

    private ServiceBusSpec queue(String queue, String topic, String session, List<String> props,
                                             String secret) {
        return new ServiceBusSpec("bus", null, "contoso-bus", queue, topic, null,
                new AzureAuth.ConnectionString(new SecretValue("${env:" + secret + "}")),
                new MessageShape(1, List.of("order_id"), props, 1 << 20, 4096, null), session, 3,
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private static int orderId(AmqpBroker.Received r) {
        try {
            return JSON.readTree(r.body()).get("order_id").asInt();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rowsArriveWithMessageIdSessionAndPropertiesAndASecondRunIsDroppedAsDuplicates() throws Exception {
        broker.createQueue(name, AmqpBroker.EntityOption.REQUIRES_SESSION,
                AmqpBroker.EntityOption.REQUIRES_DUPLICATE_DETECTION);
        Path file = EventHubAmqpIT.rows(dir, 30, 0);
        ServiceBusSpec q = queue(name, null, "customer_id", List.of("region"), "CS");
        Delivered first = connector.deliver(EventHubAmqpIT.shipment(file, "r1"), q, 0);
        assertThat(first.ok()).as(first.detail()).isTrue();

        List<AmqpBroker.Received> got = broker.received(name).stream()
                .sorted(Comparator.comparingInt(ServiceBusIT::orderId)).toList();
        assertThat(got).hasSize(30);
        JsonNode source = JSON.readTree(file.toFile());
        for (int i = 0; i < 30; i++) {
            AmqpBroker.Received r = got.get(i);
            JsonNode row = source.get(i);
            assertThat(JSON.readTree(r.body())).isEqualTo(row);
            assertThat(r.messageId()).hasSize(32).isEqualTo(r.applicationProperties().get("message_id"));
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.groupId()).isEqualTo(row.get("customer_id").asText());
            assertThat(r.applicationProperties().keySet()).as("only the intended properties")
                    .containsExactlyInAnyOrder("flow_id", "run_id", "batch_id", "xt_record_type", "region",
                            "message_id");
            assertThat(r.subject()).isNull();
            assertThat(r.correlationId()).isNull();
        }
        Map<Long, Set<String>> sessionsPerTransfer = got.stream().collect(Collectors.groupingBy(
                AmqpBroker.Received::transferId, Collectors.mapping(AmqpBroker.Received::groupId,
                        Collectors.toSet())));
        assertThat(sessionsPerTransfer.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(sessionsPerTransfer).as("sessions batched, not one transfer per row").hasSizeLessThan(30);

        Delivered second = connector.deliver(EventHubAmqpIT.shipment(file, "r2"), q, 0);
        assertThat(second.ok()).as(second.detail()).isTrue();
        assertThat(broker.duplicateCount(name)).as("the same MessageIds").isEqualTo(30);
        assertThat(broker.received(name)).hasSize(30);
    }

    @Test
    void aSessionQueueRefusesMessagesWithoutSessionIdAndTheRunSaysSo() throws Exception {
        broker.createQueue(name, AmqpBroker.EntityOption.REQUIRES_SESSION);
        Delivered d = connector.deliver(EventHubAmqpIT.shipment(EventHubAmqpIT.rows(dir, 3, 0), "r1"),
                queue(name, null, null, List.of(), "CS"), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("queue '" + name + "' of Service Bus namespace 'contoso-bus'",
                "SessionId", "session_id");
        assertThat(broker.rejectedCount(name)).as("not retried").isEqualTo(1);
        assertThat(broker.received(name)).isEmpty();
    }

    @Test
    void aTopicTakesMessagesInBatchesUnderTheTiersLimit() throws Exception {
        broker.tier(AmqpBroker.BASIC_MAX_MESSAGE_BYTES);
        broker.createTopic(name);
        ServiceBusSpec t = queue(null, name, null, List.of(), "CS");
        ServiceBusSpec big = new ServiceBusSpec(t.name(), null, t.namespace(), null, name,
                null, t.auth(), new MessageShape(1, List.of("order_id"), List.of(), 1 << 20, 4L << 20,
                null), null, 1, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(5));
        assertThat(connector.check(big, Map.of())).isNull();
        Delivered d = connector.deliver(EventHubAmqpIT.shipment(EventHubAmqpIT.rows(dir, 80, 10_000), "r1"), big,
                0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(broker.transfers(name)).allSatisfy(x -> assertThat(x.sizeBytes())
                .isLessThanOrEqualTo(AmqpBroker.BASIC_MAX_MESSAGE_BYTES)).hasSizeGreaterThan(1);
        assertThat(broker.received(name).stream().map(AmqpBroker.Received::messageId).distinct()).hasSize(80);
    }

    @Test
    void aRefusedKeyAndAMissingQueueFailAtOnceWithoutTheSecret() throws Exception {
        broker.createQueue(name);
        Delivered refused = connector.deliver(EventHubAmqpIT.shipment(EventHubAmqpIT.rows(dir, 3, 0), "r1"),
                queue(name, null, null, List.of(), "WRONG"), 0);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("the connection string ${env:WRONG} was refused by queue '" + name
                + "'", "Azure Service Bus Data Sender").doesNotContain("SharedAccessKey=")
                .doesNotContain(KEY.replace("YnVz", "d3Jv"));
        assertThat(connector.check(queue("noqueue", null, null, List.of(), "CS"), Map.of()))
                .contains("queue 'noqueue' of Service Bus namespace 'contoso-bus' does not exist",
                        "fix queue or topic");
        assertThat(broker.received(name)).isEmpty();
    }
}
