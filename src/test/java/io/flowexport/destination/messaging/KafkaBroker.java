package io.flowexport.destination.messaging;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) running inside the test JVM, standing in
 * for the Kafka endpoint of an Azure Event Hubs namespace.
 *
 * <p>Event Hubs takes SASL mechanism {@code PLAIN} with user name {@value #USERNAME} and the namespace's connection
 * string as password. This broker has one client listener, {@code SASL_PLAINTEXT} on {@code 127.0.0.1} and a free
 * port, that accepts exactly that login and no other (Event Hubs wants {@code SASL_SSL}; TLS is left out here).
 * Broker-to-broker and controller traffic uses two more PLAINTEXT listeners on loopback that clients are not told
 * about. Topics are not created on first use (an event hub must exist before one sends to it): create them with
 * {@link #createTopic}.
 *
 * <p>While a broker runs, Kafka's loggers ({@code kafka}, {@code org.apache.kafka} for broker and clients,
 * {@code state.change.logger}, {@code org.apache.zookeeper}) are set to WARN, and Kafka's {@link Exit} throws instead
 * of ending the JVM (a controller that cannot start halts it); both are put back when the last broker closes.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The user name Event Hubs' Kafka endpoint takes: the password is then a connection string. */
    public static final String USERNAME = "$ConnectionString";

    private static final String CLIENT_LISTENER = "SASL_PLAINTEXT";
    private static final String BROKER_LISTENER = "INTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final String[] QUIETED_LOGGERS = {"kafka", "org.apache.kafka", "state.change.logger",
        "org.apache.zookeeper"};
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private static final Object GLOBALS = new Object();
    private static int running;
    private static final Map<String, Level> levelsBefore = new HashMap<>();

    private final Path dir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, Object> saslClientConfig;
    private final Admin admin;
    private boolean closed;

    private KafkaBroker(Path dir, KafkaRaftServer server, String bootstrapServers, Map<String, Object> saslConfig) {
        this.dir = dir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.saslClientConfig = saslConfig;
        Map<String, Object> adminConfig = new HashMap<>(saslConfig);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        this.admin = Admin.create(adminConfig);
    }

    /**
     * Starts a broker that accepts the login user {@value #USERNAME}, password {@code connectionString}, and returns
     * once it takes requests. The ports are chosen free just before the broker binds them; if another process takes
     * one in between (or the start fails otherwise), the start is tried again on other ports, three tries in all.
     *
     * @param connectionString the password clients must give, e.g. an Event Hubs connection string
     *                         {@code Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...}
     * @return the running broker; close it to stop it and delete its data
     * @throws RuntimeException the first failure, the later ones suppressed, if the broker does not start
     */
    public static KafkaBroker start(String connectionString) {
        return start(connectionString, () -> freePorts(3));
    }

    /** {@link #start(String)} on the ports {@code ports} gives: client (SASL), broker-to-broker, controller. */
    static KafkaBroker start(String connectionString, Supplier<int[]> ports) {
        Objects.requireNonNull(connectionString, "connectionString");
        if (connectionString.isEmpty()) {
            throw new IllegalArgumentException("connectionString is empty");
        }
        acquireGlobals();
        try {
            RuntimeException failed = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                try {
                    return startOn(connectionString, ports.get());
                } catch (RuntimeException e) {
                    // most likely a port taken in the meantime; a taken controller port does not even say so (the
                    // controller halts, see acquireGlobals), so any failure is tried again
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
            throw failed;
        } catch (RuntimeException | Error e) {
            releaseGlobals();
            throw e;
        }
    }

    private static KafkaBroker startOn(String connectionString, int[] ports) {
        String clientAddress = "127.0.0.1:" + ports[0];
        String brokerAddress = "127.0.0.1:" + ports[1];
        String controllerAddress = "127.0.0.1:" + ports[2];
        Path dir;
        try {
            dir = Files.createTempDirectory("kafka-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaRaftServer server = null;
        try {
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", String.valueOf(NODE_ID));
            props.put("controller.quorum.voters", NODE_ID + "@" + controllerAddress);
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("inter.broker.listener.name", BROKER_LISTENER);
            props.put("listeners", CLIENT_LISTENER + "://" + clientAddress + "," + BROKER_LISTENER + "://"
                    + brokerAddress + "," + CONTROLLER_LISTENER + "://" + controllerAddress);
            props.put("advertised.listeners", CLIENT_LISTENER + "://" + clientAddress + "," + BROKER_LISTENER + "://"
                    + brokerAddress);
            props.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT," + BROKER_LISTENER
                    + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            String prefix = "listener.name." + CLIENT_LISTENER.toLowerCase() + ".";
            props.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
            // PlainServerCallbackHandler accepts exactly the users listed as user_<name>="<password>"
            props.put(prefix + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                    + " required user_" + USERNAME + "=" + quoted(connectionString) + ";");
            props.put("log.dirs", dir.resolve("data").toString());
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            // fewer threads and no 128 MiB dedupe buffer: nothing here needs compaction
            props.put("log.cleaner.enable", "false");
            props.put("num.network.threads", "2");
            props.put("num.io.threads", "2");
            props.put("background.threads", "2");
            props.put("num.recovery.threads.per.data.dir", "1");
            props.put("num.replica.fetchers", "1");
            KafkaConfig config = new KafkaConfig(props, false);

            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dir.resolve("data").toString())
                    .run();

            server = new KafkaRaftServer(config, Time.SYSTEM);
            // returns once the broker is registered with the controller and unfenced
            server.startup();

            Map<String, Object> sasl = new LinkedHashMap<>();
            sasl.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            sasl.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
            sasl.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(USERNAME, connectionString));
            return new KafkaBroker(dir, server, clientAddress, Map.copyOf(sasl));
        } catch (Exception | Error e) {
            try {
                if (server != null) {
                    stop(server);
                }
                deleteTree(dir);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("Kafka broker did not start", e);
        }
    }

    /**
     * The client {@code sasl.jaas.config} value that logs in with {@code username} and {@code password} over PLAIN.
     *
     * @param username the SASL user name, {@value #USERNAME} for Event Hubs
     * @param password the password, for Event Hubs the connection string
     * @return {@code org.apache.kafka.common.security.plain.PlainLoginModule required username="..." password="...";}
     */
    public static String jaasConfig(String username, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=" + quoted(username)
                + " password=" + quoted(password) + ";";
    }

    /**
     * The address clients bootstrap from.
     *
     * @return {@code 127.0.0.1:PORT} of the {@code SASL_PLAINTEXT} listener
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The settings a producer, consumer or admin client needs besides {@code bootstrap.servers} to log in to this
     * broker: {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and a {@code sasl.jaas.config}
     * with user {@value #USERNAME} and the connection string as password.
     *
     * @return an unmodifiable map; copy it to add settings
     */
    public Map<String, Object> saslClientConfig() {
        return saslClientConfig;
    }

    /**
     * Creates a topic with replication factor 1 and waits until the broker serves all its partitions.
     *
     * @param name       the topic (event hub) name
     * @param partitions the number of partitions, at least 1
     * @throws IllegalStateException if the topic cannot be created (for example because it exists) or its
     *                               partitions have no leader within 30 s
     */
    public void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // the controller has the topic; wait until the broker's metadata has it as well, with every leader
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (true) {
                try {
                    TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
                    if (description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.leader() != null)) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leader for all " + partitions
                            + " partitions after " + ADMIN_TIMEOUT);
                }
                // describeTopics is answered from the broker's metadata cache, which follows the controller within
                // milliseconds; one more round trip is the wait
                Thread.onSpinWait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topic " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code topic} from the beginning of every partition, logging in like any client
     * ({@link #saslClientConfig()}), without a consumer group, until at least {@code expected} records came.
     *
     * @param topic    the topic to read; it must exist
     * @param expected how many records to wait for
     * @param timeout  how long to wait for them
     * @return the records read, in the order they came (in offset order within a partition, not across partitions);
     *         may be more than {@code expected} if more were there
     * @throws AssertionError if fewer than {@code expected} came within {@code timeout}, saying how many did
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeAll(String topic, int expected, Duration timeout) {
        Map<String, Object> config = new HashMap<>(saslClientConfig);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-broker-consume-all");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AssertionError("topic " + topic + " has no partitions (does it exist?)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + expected + " records on topic " + topic + " within "
                            + timeout + ", got " + records.size());
                }
                consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos())))
                        .forEach(records::add);
            }
        }
        return records;
    }

    /** Stops the broker and deletes its data. Calling it again does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            try {
                stop(server);
            } finally {
                try {
                    deleteTree(dir);
                } finally {
                    releaseGlobals();
                }
            }
        }
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** {@code count} ports on loopback that were free a moment ago. */
    static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // nothing was bound then
                    }
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    private static void acquireGlobals() {
        synchronized (GLOBALS) {
            if (running++ > 0) {
                return;
            }
            for (String name : QUIETED_LOGGERS) {
                ch.qos.logback.classic.Logger logger = logbackLogger(name);
                if (logger != null) {
                    levelsBefore.put(name, logger.getLevel());
                    logger.setLevel(Level.WARN);
                }
            }
            // a fatal fault in the broker halts the JVM; in a test it should fail the test instead
            Exit.setExitProcedure((status, message) -> {
                throw new IllegalStateException("Kafka asked to exit the JVM with status " + status
                        + (message == null ? "" : ": " + message) + " (the cause is logged before)");
            });
            Exit.setHaltProcedure((status, message) -> {
                throw new IllegalStateException("Kafka asked to halt the JVM with status " + status
                        + (message == null ? "" : ": " + message) + " (the cause is logged before)");
            });
        }
    }

    private static void releaseGlobals() {
        synchronized (GLOBALS) {
            if (--running > 0) {
                return;
            }
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
            for (Map.Entry<String, Level> e : levelsBefore.entrySet()) {
                ch.qos.logback.classic.Logger logger = logbackLogger(e.getKey());
                if (logger != null) {
                    logger.setLevel(e.getValue());
                }
            }
            levelsBefore.clear();
        }
    }

    private static ch.qos.logback.classic.Logger logbackLogger(String name) {
        return LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l ? l : null;
    }
}
