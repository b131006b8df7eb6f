package io.flowexport.destination.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@link KafkaBroker} takes the login Event Hubs' Kafka endpoint takes, and nothing else, from a plain
 * {@link KafkaProducer} and from camel-kafka.
 */
class KafkaBrokerTest {

    private static final String CONNECTION_STRING = "Endpoint=sb://flowexport-test.servicebus.windows.net/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0K2tleS92YWx1ZT0=";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(CONNECTION_STRING);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, UTF_8);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), text(h.value()));
        }
        return headers;
    }

    @Test
    void saslClientConfigIsTheEventHubsLogin() {
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(broker.saslClientConfig()).containsOnly(
                Map.entry("security.protocol", "SASL_PLAINTEXT"),
                Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"$ConnectionString\" password=\"" + CONNECTION_STRING + "\";"));
    }

    @Test
    void recordsWithKeysAndHeadersGoThroughTheSaslListener() throws Exception {
        broker.createTopic("orders", 2);
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.saslClientConfig())) {
            for (int i = 1; i <= 3; i++) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("orders", null, bytes("key-" + i),
                        bytes("{\"id\":" + i + "}"), List.of(new RecordHeader("batch_id", bytes("b" + i)),
                        new RecordHeader("content-type", bytes("application/json"))));
                RecordMetadata meta = producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(meta.topic()).isEqualTo("orders");
            }
        }

        List<ConsumerRecord<byte[], byte[]>> records = broker.consumeAll("orders", 3, TIMEOUT).stream()
                .sorted(Comparator.comparing(r -> text(r.key()))).toList();

        assertThat(records).hasSize(3);
        for (int i = 1; i <= 3; i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i - 1);
            assertThat(text(r.key())).isEqualTo("key-" + i);
            assertThat(text(r.value())).isEqualTo("{\"id\":" + i + "}");
            assertThat(headers(r)).containsExactlyInAnyOrderEntriesOf(
                    Map.of("batch_id", "b" + i, "content-type", "application/json"));
        }
        assertThat(records).extracting(ConsumerRecord::partition).allMatch(p -> p == 0 || p == 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong password | $ConnectionString | Endpoint=sb://flowexport-test.servicebus.windows.net/;"
                + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=d3Jvbmc=",
        "wrong user     | admin             | " + CONNECTION_STRING})
    void anyOtherLoginIsRefused(String what, String username, String password) {
        broker.createTopic("refused-" + what.replace(' ', '-'), 1);
        Map<String, Object> login = new HashMap<>(broker.saslClientConfig());
        login.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaBroker.jaasConfig(username, password));
        long started = System.nanoTime();
        Throwable thrown;
        try (KafkaProducer<byte[], byte[]> producer = producer(login)) {
            thrown = catchThrowable(() -> producer.send(new ProducerRecord<>("refused-" + what.replace(' ', '-'),
                    bytes("k"), bytes("v"))).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }

        assertThat(thrown).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("Authentication failed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }

    @Test
    void camelKafkaProducerLogsInAndSends() throws Exception {
        broker.createTopic("camel-orders", 1);
        String uri = "kafka:camel-orders?brokers=" + broker.bootstrapServers()
                + "&securityProtocol=SASL_PLAINTEXT&saslMechanism=PLAIN"
                + "&saslJaasConfig=RAW(" + broker.saslClientConfig().get(SaslConfigs.SASL_JAAS_CONFIG) + ")"
                + "&requestRequiredAcks=all&maxBlockMs=5000&deliveryTimeoutMs=10000&requestTimeoutMs=5000";
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            template.sendBodyAndHeaders(uri, "{\"id\":42}", Map.of(KafkaConstants.KEY, "key-42", "batch_id", "b42"));
        } finally {
            camel.stop();
        }

        List<ConsumerRecord<byte[], byte[]>> records = broker.consumeAll("camel-orders", 1, TIMEOUT);

        assertThat(records).hasSize(1);
        assertThat(text(records.get(0).key())).isEqualTo("key-42");
        assertThat(text(records.get(0).value())).isEqualTo("{\"id\":42}");
        assertThat(headers(records.get(0))).containsEntry("batch_id", "b42");
    }

    @Test
    void consumeAllSaysHowManyCameWhenTooFew() {
        broker.createTopic("empty", 1);

        Throwable thrown = catchThrowable(() -> broker.consumeAll("empty", 1, Duration.ofMillis(500)));

        assertThat(thrown).isInstanceOf(AssertionError.class)
                .hasMessage("expected 1 records on topic empty within PT0.5S, got 0");
    }

    @Test
    void aStartThatFailsOnATakenPortIsTriedAgainOnOtherPorts() throws IOException {
        // the controller port: a controller that cannot bind halts the JVM, which KafkaBroker turns into an exception;
        // the expected failure's stack traces (three loggers at ERROR) are not shown
        Map<Logger, Level> before = new HashMap<>();
        for (String name : List.of("kafka.network.DataPlaneAcceptor", "kafka.server.ControllerServer",
                "org.apache.kafka.server.fault.ProcessTerminatingFaultHandler")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            before.put(logger, logger.getLevel());
            logger.setLevel(Level.OFF);
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger tries = new AtomicInteger();
            try (KafkaBroker second = KafkaBroker.start(CONNECTION_STRING, () -> {
                int[] ports = KafkaBroker.freePorts(3);
                if (tries.getAndIncrement() == 0) {
                    ports[2] = taken.getLocalPort();
                }
                return ports;
            })) {
                assertThat(tries).hasValue(2);
                second.createTopic("second", 1);
            }
        } finally {
            before.forEach(Logger::setLevel);
        }
        // the class's broker still runs
        broker.createTopic("after-second", 1);
    }
}
