package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.flowexport.destination.Delivered;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Secrets;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camel destination against the message brokers of this machine: RabbitMQ (127.0.0.1:5672, guest/guest),
 * Mosquitto (127.0.0.1:1883) and NATS (127.0.0.1:4222). Each test reads what arrived with the broker's own client.
 */
class CamelBrokersIT {

    @TempDir
    static Path dir;
    private static CamelContext context;
    private static Path csv;
    private static Path parquet;

    private final CamelConnector connector = new CamelConnector(() -> context,
            new Secrets(Map.of("RABBIT_PASSWORD", "guest")::get));

    @BeforeAll
    static void start() throws Exception {
        context = new DefaultCamelContext();
        context.start();
        csv = CamelFiles.csv(dir);
        parquet = CamelFiles.parquetLike(dir);
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    @Test
    void rabbitMqGetsEachFileAsOneMessageWithContentTypeMessageIdAndHeaders() throws Exception {
        String exchange = "flowexport.it." + UUID.randomUUID();
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare(exchange, "direct", false, true, null);
            String queue = ch.queueDeclare().getQueue();
            ch.queueBind(queue, exchange, "exports");
            String uri = rabbitUri(exchange);
            for (Path file : new Path[] {csv, parquet}) {
                FileFormat format = file == csv ? FileFormat.CSV : FileFormat.PARQUET;
                Delivered d = connector.deliver(CamelFiles.shipment(file, format, "r-" + format),
                        CamelSpec.of("queue", uri), 0);
                assertThat(d.ok()).as(d.detail()).isTrue();
                assertThat(d.target()).doesNotContain("password=guest");

                AtomicReference<GetResponse> got = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    got.set(ch.basicGet(queue, true));
                    return got.get() != null;
                });
                assertThat(got.get().getBody()).isEqualTo(Files.readAllBytes(file));
                var props = got.get().getProps();
                assertThat(props.getContentType()).isEqualTo(CamelMessages.contentType(format, false));
                assertThat(props.getMessageId()).hasSize(32);
                Map<String, String> headers = new HashMap<>();
                props.getHeaders().forEach((k, v) -> headers.put(k, String.valueOf(v)));
                assertThat(headers).containsEntry("FlowExportFileName", "orders_r-" + format
                        + CamelMessages.extension(format, false)).containsEntry("FlowExportRunId", "r-" + format)
                        .containsEntry("FlowExportBatchRange", "41..44")
                        .containsEntry("FlowExportIdempotencyKey", props.getMessageId());
            }
            assertThat(ch.messageCount(queue)).isZero();
        }
        // the connection factory the URI made is closed with its endpoint: no AMQP connection thread is left
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("AMQP Connection") && t.isAlive()));
    }

    @Test
    void aMissingRabbitMqExchangeIsANotOkDeliveryThanksToPublisherConfirms() {
        Delivered d = connector.deliver(CamelFiles.shipment(csv, FileFormat.CSV, "r8"),
                CamelSpec.of("queue", rabbitUri("flowexport.it.missing." + UUID.randomUUID()))
                        .withRetry(1, Duration.ZERO, Duration.ZERO), 0);
        assertThat(d.ok()).isFalse();
        // the broker answers NOT_FOUND and closes the channel; which of the two the publisher sees first is a race,
        // and the detail says what to do in both cases
        assertThat(d.detail()).contains("camel destination 'queue'", "NOT_FOUND",
                "connectionFactory.password=xxxxxx").doesNotContain("guest&");
    }

    /** With publisher confirms, so that the broker's refusal (e.g. no such exchange) fails the send. */
    private static String rabbitUri(String exchange) {
        return "spring-rabbitmq:" + exchange + "?routingKey=exports&connectionFactory=#class:"
                + "org.springframework.amqp.rabbit.connection.CachingConnectionFactory('127.0.0.1', 5672)"
                + "&connectionFactory.username=guest&connectionFactory.password=${env:RABBIT_PASSWORD}"
                + "&connectionFactory.publisherConfirmType=CORRELATED";
    }

    @Test
    void mqttGetsEachFileAsOneMessageWithContentTypeAndUserProperties() throws Exception {
        String topic = "flowexport/it/" + UUID.randomUUID();
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "flowexport-it-" + UUID.randomUUID(),
                new MemoryPersistence());
        try {
            client.setCallback(new MqttCollector(received));
            client.connect(new MqttConnectionOptions());
            client.subscribe(topic + "/#", 1);
            for (Path file : new Path[] {csv, parquet}) {
                FileFormat format = file == csv ? FileFormat.CSV : FileFormat.PARQUET;
                Delivered d = connector.deliver(CamelFiles.shipment(file, format, "r-" + format),
                        CamelSpec.of("mqtt", "paho-mqtt5:" + topic + "/{flow_id}?brokerUrl=tcp://127.0.0.1:1883&qos=1"),
                        0);
                assertThat(d.ok()).as(d.detail()).isTrue();

                await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
                MqttMessage m = received.poll();
                assertThat(m.getPayload()).isEqualTo(Files.readAllBytes(file));
                assertThat(m.getProperties().getContentType()).isEqualTo(CamelMessages.contentType(format, false));
                Map<String, String> user = new HashMap<>();
                for (UserProperty p : m.getProperties().getUserProperties()) {
                    user.put(p.getKey(), p.getValue());
                }
                assertThat(user).containsEntry("FlowExportFileName", "orders_r-" + format
                        + CamelMessages.extension(format, false)).containsEntry("FlowExportFlowId", "orders")
                        .containsKey("FlowExportIdempotencyKey");
            }
            assertThat(received).isEmpty();
        } finally {
            client.disconnect();
            client.close();
        }
    }

    @Test
    void natsGetsEachFileAsOneMessageWithHeaders() throws Exception {
        String subject = "flowexport.it." + UUID.randomUUID().toString().replace("-", "");
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        io.nats.client.Connection nats = Nats.connect("nats://127.0.0.1:4222");
        try {
            Dispatcher dispatcher = nats.createDispatcher(received::add);
            dispatcher.subscribe(subject + ".>");
            nats.flush(Duration.ofSeconds(5));
            for (Path file : new Path[] {csv, parquet}) {
                FileFormat format = file == csv ? FileFormat.CSV : FileFormat.PARQUET;
                Delivered d = connector.deliver(CamelFiles.shipment(file, format, "r-" + format),
                        CamelSpec.of("nats", "nats:" + subject + ".{flow_id}?servers=127.0.0.1:4222"), 0);
                assertThat(d.ok()).as(d.detail()).isTrue();

                await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
                Message m = received.poll();
                assertThat(m.getSubject()).isEqualTo(subject + ".orders");
                assertThat(m.getData()).isEqualTo(Files.readAllBytes(file));
                assertThat(m.getHeaders().getFirst("Content-Type"))
                        .isEqualTo(CamelMessages.contentType(format, false));
                assertThat(m.getHeaders().getFirst("FlowExportFileName")).isEqualTo("orders_r-" + format
                        + CamelMessages.extension(format, false));
                assertThat(m.getHeaders().getFirst("FlowExportBatchRange")).isEqualTo("41..44");
            }
            assertThat(received).isEmpty();
        } finally {
            nats.close();
        }
    }

    @Test
    void aBrokerThatIsNotThereIsANotOkDeliveryNamingTheDestination() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Delivered d = connector.deliver(CamelFiles.shipment(csv, FileFormat.CSV, "r9"),
                CamelSpec.of("mqtt", "paho-mqtt5:x?brokerUrl=tcp://127.0.0.1:" + closed + "&connectionTimeout=2"
                        + "&automaticReconnect=false").withRetry(1, Duration.ZERO, Duration.ZERO), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("camel destination 'mqtt'", "127.0.0.1:" + closed,
                "the delivery stays pending");
        assertThat(new String(Files.readAllBytes(csv), StandardCharsets.UTF_8)).startsWith("id,name");
    }
}
