package io.flowexport.destination.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.eventhub.EventHubConnector;
import io.flowexport.destination.eventhub.EventHubProtocol;
import io.flowexport.destination.eventhub.EventHubSpec;
import io.flowexport.destination.servicebus.ServiceBusConnector;
import io.flowexport.destination.servicebus.ServiceBusSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code eventhub} (AMQP and Kafka) and {@code servicebus} connectors against real namespaces. Not part of
 * {@code mvn verify}: run with {@code -Pazure-account} and the variables README lists; a missing required variable
 * fails the test with its name. Each test sends rows of a flow id of its own and reads back only those.
 */
class MessagingAccountIT {

    @TempDir
    Path tmp;

    private CamelContext camel;
    private final String flowId = "account_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private static String required(String name) {
        String v = System.getenv(name);
        assertThat(v).as("environment variable " + name + " (README, \"Tests against a real account\")").isNotBlank();
        return v;
    }

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private MessagingConnector<?> connector(String type) throws Exception {
        FileDestination files = new FileDestination(Files.createDirectories(tmp.resolve("out")));
        return type.equals(EventHubSpec.TYPE) ? new EventHubConnector(() -> camel, Secrets.system(), files)
                : new ServiceBusConnector(() -> camel, Secrets.system(), files);
    }

    private Shipment shipment(String runId) throws Exception {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 1; i <= 20; i++) {
            sb.append(i == 1 ? "" : ",\n").append("{\"order_id\": ").append(i).append(", \"customer_id\": ")
                    .append(i % 3).append(", \"xt_batch_id\": 7}");
        }
        Path file = Files.writeString(tmp.resolve(runId + ".json"), sb.append("\n]\n").toString());
        return new Shipment(flowId, runId, file, FileFormat.JSON, false, Map.of("batch_id", "7"), "7..7", "batch 7",
                () -> false, "orders", ExportMode.INCREMENTAL, 20, 7L, 7L, List.of());
    }

    private static MessageShape shape() {
        return new MessageShape(1, List.of("order_id"), List.of(), 256 * 1024, 256 * 1024, null);
    }

    private EventHubSpec hub(EventHubProtocol protocol) {
        required("FLOWEXPORT_IT_EVENTHUB_CONNECTION_STRING");
        return new EventHubSpec("events", null, required("FLOWEXPORT_IT_EVENTHUB_NAMESPACE"),
                required("FLOWEXPORT_IT_EVENTHUB_NAME"), protocol, null, true,
                new AzureAuth.ConnectionString(new SecretValue("${env:FLOWEXPORT_IT_EVENTHUB_CONNECTION_STRING}")),
                shape(), "customer_id", 3, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1));
    }

    /** The events of this test's flow, read from every partition from {@code since}. */
    private List<PartitionEvent> events(Instant since, int expected) {
        List<PartitionEvent> got = new ArrayList<>();
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(System.getenv("FLOWEXPORT_IT_EVENTHUB_CONNECTION_STRING"),
                        System.getenv("FLOWEXPORT_IT_EVENTHUB_NAME"))
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            for (String partition : consumer.getPartitionIds()) {
                consumer.receiveFromPartition(partition, 1000, EventPosition.fromEnqueuedTime(since),
                        Duration.ofSeconds(15)).forEach(e -> {
                            if (flowId.equals(e.getData().getProperties().get("flow_id"))) {
                                got.add(e);
                            }
                        });
            }
        }
        assertThat(got).as("events of flow " + flowId).hasSizeGreaterThanOrEqualTo(expected);
        return got;
    }

    @Test
    void eventHubOverAmqpReceivesEveryRowWithItsIdKeyAndContentType() throws Exception {
        Instant since = Instant.now().minusSeconds(60);
        EventHubSpec h = hub(EventHubProtocol.AMQP);
        EventHubConnector c = (EventHubConnector) connector(EventHubSpec.TYPE);
        assertThat(c.check(h, Map.of())).isNull();
        Delivered d = c.deliver(shipment("r1"), h, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        List<PartitionEvent> got = events(since, 20);
        assertThat(got).hasSize(20);
        Set<String> ids = new HashSet<>();
        for (PartitionEvent e : got) {
            assertThat(e.getData().getMessageId()).isEqualTo(e.getData().getProperties().get("message_id"));
            assertThat(e.getData().getContentType()).isEqualTo("application/json");
            assertThat(e.getData().getPartitionKey()).isNotNull();
            ids.add(e.getData().getMessageId());
        }
        assertThat(ids).hasSize(20);
        c.close();
    }

    @Test
    void eventHubOverKafkaReceivesEveryRow() throws Exception {
        Instant since = Instant.now().minusSeconds(60);
        EventHubSpec h = hub(EventHubProtocol.KAFKA);
        EventHubConnector c = (EventHubConnector) connector(EventHubSpec.TYPE);
        assertThat(c.check(h, Map.of())).isNull();
        Delivered d = c.deliver(shipment("r1"), h, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(events(since, 20)).hasSize(20);
        c.close();
    }

    @Test
    void serviceBusDuplicateDetectionDropsASecondRunOfTheSameRows() throws Exception {
        String cs = "${env:FLOWEXPORT_IT_SERVICEBUS_CONNECTION_STRING}";
        required("FLOWEXPORT_IT_SERVICEBUS_CONNECTION_STRING");
        String queue = required("FLOWEXPORT_IT_SERVICEBUS_QUEUE");
        ServiceBusSpec q = new ServiceBusSpec("bus", null,
                required("FLOWEXPORT_IT_SERVICEBUS_NAMESPACE"), queue, null, null,
                new AzureAuth.ConnectionString(new SecretValue(cs)), shape(), null, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        ServiceBusConnector c = (ServiceBusConnector) connector(ServiceBusSpec.TYPE);
        assertThat(c.check(q, Map.of())).isNull();
        assertThat(c.deliver(shipment("r1"), q, 0).ok()).isTrue();
        assertThat(c.deliver(shipment("r2"), q, 0).ok()).isTrue();
        c.close();

        Set<String> ids = new HashSet<>();
        int mine = 0;
        try (ServiceBusReceiverClient receiver = new ServiceBusClientBuilder()
                .connectionString(System.getenv("FLOWEXPORT_IT_SERVICEBUS_CONNECTION_STRING")).receiver()
                .queueName(queue).receiveMode(ServiceBusReceiveMode.RECEIVE_AND_DELETE).buildClient()) {
            for (int round = 0; round < 10; round++) {
                int before = mine;
                for (ServiceBusReceivedMessage m : receiver.receiveMessages(100, Duration.ofSeconds(5))) {
                    if (flowId.equals(m.getApplicationProperties().get("flow_id"))) {
                        mine++;
                        ids.add(m.getMessageId());
                        assertThat(m.getContentType()).isEqualTo("application/json");
                    }
                }
                if (mine >= 20 && mine == before) {
                    break;
                }
            }
        }
        assertThat(mine).as("20 rows sent twice; the queue needs duplicate detection on").isEqualTo(20);
        assertThat(ids).hasSize(20);
    }

    @Test
    void serviceBusWithAServicePrincipal() throws Exception {
        required("AZURE_CLIENT_SECRET");
        ServiceBusSpec q = new ServiceBusSpec("bus", null,
                required("FLOWEXPORT_IT_SERVICEBUS_NAMESPACE"), required("FLOWEXPORT_IT_SERVICEBUS_QUEUE"), null, null,
                new AzureAuth.ServicePrincipal(required("AZURE_TENANT_ID"), required("AZURE_CLIENT_ID"),
                        new SecretValue("${env:AZURE_CLIENT_SECRET}"), null), shape(), null, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        ServiceBusConnector c = (ServiceBusConnector) connector(ServiceBusSpec.TYPE);
        assertThat(c.check(q, Map.of())).isNull();
        Delivered d = c.deliver(shipment("r1"), q, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        c.close();
    }
}
