package io.flowexport.destination.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AMQP 1.0 server inside the test JVM that answers the Azure SDK's Event Hubs and Service Bus clients
 * ({@code azure-messaging-eventhubs}, {@code azure-messaging-servicebus}, both on {@code azure-core-amqp}) the way
 * the services do, for the sending side: SASL, connection and session open, claims-based security ({@code $cbs}
 * put-token with SAS or registered JWT tokens), sender links to event hubs, queues and topics with the tier's
 * {@code max-message-size}, batched transfers (message format {@code 0x80013700}), dispositions, and the
 * Event Hubs {@code $management} READ operations. Built on Apache Qpid proton-j's engine with one selector thread.
 *
 * <p>Clients reach it through {@link #connectionString}, which carries {@code UseDevelopmentEmulator=true}: with it
 * the SDK skips TLS and uses the port of the {@code Endpoint}. The broker captures every accepted message
 * ({@link #received}) and every transfer ({@link #transfers}) and can inject faults ({@link #failNext},
 * {@link #holdNext}, {@link #dropConnections}).
 *
 * <p>Left out: receiving (consumer links are refused with {@code amqp:not-implemented}), Service Bus management
 * operations (answered 501), transactions, TLS and web sockets.
 *
 * <p>All public methods are thread-safe; lists returned are snapshots.
 */
public final class AmqpBroker implements AutoCloseable {

    /** Maximum message size, in bytes, of Event Hubs Basic (and Service Bus Standard): 256 KB. */
    public static final long BASIC_MAX_MESSAGE_BYTES = 262_144;
    /** Maximum message size, in bytes, of Event Hubs Standard: 1 MB. The broker's default tier. */
    public static final long STANDARD_MAX_MESSAGE_BYTES = 1_048_576;
    /** The put-token {@code type} of a shared access signature. */
    public static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";
    /** The put-token {@code type} of a JSON web token (a {@code TokenCredential} of the SDK). */
    public static final String JWT_TOKEN_TYPE = "jwt";
    /** The container id the broker opens its side of each connection with. */
    public static final String CONTAINER_ID = "flowexport-amqp-broker";
    /** Message format of a batch: the body holds one Data section per message, each an encoded AMQP message. */
    public static final int BATCH_FORMAT = 0x80013700;

    private static final Logger LOG = LoggerFactory.getLogger(AmqpBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final Symbol PARTITION_KEY = Symbol.valueOf("x-opt-partition-key");
    private static final String CBS = "$cbs";
    private static final String MANAGEMENT = "$management";
    private static final int CREDIT = 100;
    private static final int MAX_FRAME_SIZE = 65_536;
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    /** What a queue or topic requires of the messages sent to it. */
    public enum EntityOption {
        /** Every message needs a session id (AMQP group-id); others are rejected with {@code amqp:not-allowed}. */
        REQUIRES_SESSION,
        /**
         * A message whose message-id this entity already accepted is accepted again but not stored
         * ({@link #duplicateCount}).
         */
        REQUIRES_DUPLICATE_DETECTION
    }

    /** The kind of an entity. */
    private enum Kind {
        /** An Event Hubs event hub, with partitions. */
        EVENT_HUB,
        /** A Service Bus queue. */
        QUEUE,
        /** A Service Bus topic. */
        TOPIC
    }

    /** What the broker answered a transfer with. */
    public enum Outcome {
        /** Disposition Accepted, settled. */
        ACCEPTED,
        /** Disposition Rejected with an error condition, settled. */
        REJECTED,
        /** Never settled ({@link #holdNext}): the client's send times out. */
        HELD
    }

    /**
     * One AMQP message on the wire (one delivery) to an entity, whatever its outcome.
     *
     * @param id broker-wide sequence of transfers, from 1
     * @param entity the entity's name as created
     * @param address the link's target address (e.g. {@code hub1/Partitions/0})
     * @param connection the broker's id of the client connection, from 1
     * @param sizeBytes the delivery's payload (the encoded message or batch), in bytes
     * @param messageFormat the transfer's message-format: 0, or {@link #BATCH_FORMAT}
     * @param messageCount how many messages it held: Data sections of a batch, else 1
     * @param outcome what the broker answered
     * @param errorCondition the rejection's AMQP error condition, or null
     * @param envelopeAnnotations message annotations of the batch envelope (or of the single message), symbol keys as
     *     strings; never null
     */
    public record Transfer(long id, String entity, String address, int connection, long sizeBytes,
            int messageFormat, int messageCount, Outcome outcome, String errorCondition,
            Map<String, Object> envelopeAnnotations) {
    }

    /**
     * One accepted and stored message.
     *
     * @param entity the entity's name as created
     * @param address the link's target address
     * @param partition the event hub partition id it went to (from the address, else the partition key's hash, else
     *     round robin); null for queues and topics
     * @param sequenceNumber its sequence number in that partition (or entity), from 0
     * @param transferId the {@link Transfer#id} it arrived in
     * @param indexInTransfer its position in that transfer, from 0
     * @param transferMessages how many messages that transfer held
     * @param transferSizeBytes the transfer's encoded size in bytes
     * @param sizeBytes this message's own encoded size in bytes (equal to the transfer's unless batched)
     * @param body the bytes of the Data body section, or null if the body was an AmqpValue or AmqpSequence
     * @param value the AmqpValue (or AmqpSequence list) body, or null
     * @param messageId the message-id as a string, or null
     * @param contentType content-type, or null
     * @param groupId group-id (the Service Bus session id), or null
     * @param subject subject (Service Bus label), or null
     * @param correlationId the correlation-id as a string, or null
     * @param applicationProperties application properties, never null
     * @param messageAnnotations message annotations with symbol keys as strings (e.g. {@code x-opt-partition-key}),
     *     never null
     * @param receivedAt when the broker accepted it
     */
    public record Received(String entity, String address, String partition, long sequenceNumber, long transferId,
            int indexInTransfer, int transferMessages, long transferSizeBytes, long sizeBytes, byte[] body,
            Object value, String messageId, String contentType, String groupId, String subject, String correlationId,
            Map<String, Object> applicationProperties, Map<String, Object> messageAnnotations, Instant receivedAt) {

        /**
         * The body decoded as UTF-8.
         *
         * @return the Data body as text, or {@code String.valueOf(value)} if there was no Data body
         */
        public String bodyText() {
            return body != null ? new String(body, UTF_8) : String.valueOf(value);
        }
    }

    /**
     * One put-token request to {@code $cbs}.
     *
     * @param connection the broker's id of the client connection, from 1
     * @param audience the {@code name} property: the resource the token is for, e.g. {@code amqp://127.0.0.1/hub1}
     * @param type the {@code type} property: {@link #SAS_TOKEN_TYPE} or {@link #JWT_TOKEN_TYPE}
     * @param keyName the SAS token's {@code skn}, or null
     * @param accepted whether the broker accepted the token
     * @param statusCode the status-code answered: 202, or 400/401
     * @param statusDescription the status-description answered
     */
    public record PutToken(int connection, String audience, String type, String keyName, boolean accepted,
            int statusCode, String statusDescription) {
    }

    /**
     * One client connection as opened.
     *
     * @param id the broker's id, from 1
     * @param containerId the client's container id
     * @param hostname the hostname in the client's open frame (the namespace)
     * @param saslMechanism the SASL mechanism the client chose
     * @param properties the client's connection properties, symbol keys as strings
     */
    public record ClientConnection(int id, String containerId, String hostname, String saslMechanism,
            Map<String, Object> properties) {
    }

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final int port;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Client> clients = new ArrayList<>(); // IO thread only
    private volatile boolean running = true;

    private final Object lock = new Object();
    // everything below is guarded by lock
    private final Map<String, SasKey> keys = new HashMap<>();
    private final Set<String> sendDenied = new HashSet<>();
    private final Set<String> acceptedTokens = new HashSet<>();
    private final Map<String, Entity> entities = new LinkedHashMap<>();
    private final List<PutToken> putTokens = new ArrayList<>();
    private final List<ClientConnection> connections = new ArrayList<>();
    private long maxMessageBytes = STANDARD_MAX_MESSAGE_BYTES;
    private long transferIds;
    private int connectionIds;

    private AmqpBroker(ServerSocketChannel server, Selector selector) throws IOException {
        this.server = server;
        this.selector = selector;
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.thread = new Thread(this::run, "amqp-broker-" + port);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a broker on {@code 127.0.0.1} and a free port, with no keys and no entities, tier
     * {@link #STANDARD_MAX_MESSAGE_BYTES}.
     *
     * @return the running broker; close it
     * @throws UncheckedIOException if it cannot listen
     */
    public static AmqpBroker start() {
        Selector selector = null;
        ServerSocketChannel server = null;
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(HOST, 0));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            AmqpBroker broker = new AmqpBroker(server, selector);
            broker.thread.start();
            return broker;
        } catch (IOException e) {
            closeQuietly(server);
            closeQuietly(selector);
            throw new UncheckedIOException("cannot listen on " + HOST, e);
        }
    }

    /**
     * The port the broker listens on.
     *
     * @return a TCP port on 127.0.0.1
     */
    public int port() {
        return port;
    }

    /**
     * A connection string for the SDK's builders ({@code connectionString(...)}), without an entity path.
     *
     * @param keyName the shared access key name ({@code SharedAccessKeyName})
     * @param key the key as the SDK signs with it ({@code SharedAccessKey})
     * @return {@code Endpoint=sb://127.0.0.1:<port>;SharedAccessKeyName=..;SharedAccessKey=..;UseDevelopmentEmulator=true}
     */
    public String connectionString(String keyName, String key) {
        return "Endpoint=sb://" + HOST + ":" + port + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";UseDevelopmentEmulator=true";
    }

    /**
     * A connection string with an entity path, as copied from an entity's shared access policy.
     *
     * @param keyName the shared access key name
     * @param key the key
     * @param entityPath the event hub, queue or topic name
     * @return {@link #connectionString(String, String)} plus {@code ;EntityPath=<entityPath>}
     */
    public String connectionString(String keyName, String key, String entityPath) {
        return connectionString(keyName, key) + ";EntityPath=" + entityPath;
    }

    /**
     * A connection string that carries a ready shared access signature instead of a key, as the SDK takes it
     * ({@code SharedAccessSignature=SharedAccessSignature sr=...}); the SDK sends that token as it is.
     *
     * @param sharedAccessSignature a token such as {@link #sharedAccessSignature} makes
     * @param entityPath the event hub, queue or topic name, or null for none
     * @return {@code Endpoint=sb://127.0.0.1:<port>;SharedAccessSignature=<token>;UseDevelopmentEmulator=true}, plus
     *     {@code ;EntityPath=<entityPath>} if given
     */
    public String connectionStringWithSignature(String sharedAccessSignature, String entityPath) {
        return "Endpoint=sb://" + HOST + ":" + port + ";SharedAccessSignature=" + sharedAccessSignature
                + ";UseDevelopmentEmulator=true" + (entityPath != null ? ";EntityPath=" + entityPath : "");
    }

    /**
     * Signs a shared access signature the way the SDK and the service do: HMAC-SHA256 with the key's UTF-8 bytes
     * over {@code urlencode(resource) + "\n" + expiry}, in base64.
     *
     * @param resource the audience ({@code sr}), e.g. {@code amqp://127.0.0.1/hub1} or {@code sb://127.0.0.1/}
     * @param keyName the key name ({@code skn})
     * @param key the key string
     * @param expiresAt the expiry ({@code se}), whole seconds since the epoch are used
     * @return {@code SharedAccessSignature sr=<enc>&sig=<enc>&se=<seconds>&skn=<enc>}
     */
    public static String sharedAccessSignature(String resource, String keyName, String key, Instant expiresAt) {
        String sr = URLEncoder.encode(resource, UTF_8);
        long se = expiresAt.getEpochSecond();
        String sig = Base64.getEncoder().encodeToString(hmac(key, sr + "\n" + se));
        return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sig, UTF_8) + "&se=" + se + "&skn="
                + URLEncoder.encode(keyName, UTF_8);
    }

    /**
     * Registers a shared access key. The SDK signs with the UTF-8 bytes of the key string as written in the
     * connection string (a base64 key is not decoded), and so does this broker.
     *
     * @param keyName the key name ({@code skn} of tokens)
     * @param key the key string
     * @param entities if given, the key is an entity-level policy: tokens for other audiences are refused (401);
     *     none means a namespace-level key
     * @return this broker
     */
    public AmqpBroker addKey(String keyName, String key, String... entities) {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(key, "key");
        Set<String> scope = new HashSet<>();
        for (String e : entities) {
            scope.add(e.toLowerCase(Locale.ROOT));
        }
        synchronized (lock) {
            keys.put(keyName, new SasKey(key, scope));
        }
        return this;
    }

    /**
     * Takes the Send claim from a key: its tokens are still accepted by {@code $cbs}, but attaching a sender link is
     * refused with {@code amqp:unauthorized-access}, like a Listen-only policy on the service.
     *
     * @param keyName a key name
     * @return this broker
     */
    public AmqpBroker denySend(String keyName) {
        synchronized (lock) {
            sendDenied.add(keyName);
        }
        return this;
    }

    /**
     * Accepts a JSON web token (put-token type {@code jwt}, as a {@code TokenCredential} gives) for any audience.
     * JWTs not registered are refused with 401.
     *
     * @param token the token string exactly as the credential returns it
     * @return this broker
     */
    public AmqpBroker acceptToken(String token) {
        synchronized (lock) {
            acceptedTokens.add(Objects.requireNonNull(token, "token"));
        }
        return this;
    }

    /**
     * Sets the maximum message size of the tier, announced as {@code max-message-size} on sender links attached
     * from now on and checked against every transfer from now on (a transfer larger than it is rejected with
     * {@code amqp:link:message-size-exceeded}).
     *
     * @param maxMessageBytes bytes, e.g. {@link #BASIC_MAX_MESSAGE_BYTES} or {@link #STANDARD_MAX_MESSAGE_BYTES}
     * @return this broker
     * @throws IllegalArgumentException if not positive
     */
    public AmqpBroker tier(long maxMessageBytes) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        synchronized (lock) {
            this.maxMessageBytes = maxMessageBytes;
        }
        return this;
    }

    /**
     * Creates an event hub with partitions {@code "0"} to {@code partitions - 1}.
     *
     * @param name the event hub name (case-insensitive, as on the service)
     * @param partitions how many partitions, at least 1
     * @return this broker
     * @throws IllegalArgumentException if partitions is below 1 or the name is taken
     */
    public AmqpBroker createEventHub(String name, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        return create(new Entity(name, Kind.EVENT_HUB, partitions, false, false));
    }

    /**
     * Creates a Service Bus queue.
     *
     * @param name the queue name (case-insensitive)
     * @param options what the queue requires
     * @return this broker
     * @throws IllegalArgumentException if the name is taken
     */
    public AmqpBroker createQueue(String name, EntityOption... options) {
        Set<EntityOption> set = options.length == 0 ? EnumSet.noneOf(EntityOption.class)
                : EnumSet.of(options[0], options);
        return create(new Entity(name, Kind.QUEUE, 1, set.contains(EntityOption.REQUIRES_SESSION),
                set.contains(EntityOption.REQUIRES_DUPLICATE_DETECTION)));
    }

    /**
     * Creates a Service Bus topic.
     *
     * @param name the topic name (case-insensitive)
     * @param options {@link EntityOption#REQUIRES_DUPLICATE_DETECTION} or none (sessions belong to subscriptions)
     * @return this broker
     * @throws IllegalArgumentException if the name is taken or {@link EntityOption#REQUIRES_SESSION} is given
     */
    public AmqpBroker createTopic(String name, EntityOption... options) {
        boolean dedupe = false;
        for (EntityOption o : options) {
            if (o == EntityOption.REQUIRES_SESSION) {
                throw new IllegalArgumentException("a topic does not require sessions; its subscriptions do");
            }
            dedupe |= o == EntityOption.REQUIRES_DUPLICATE_DETECTION;
        }
        return create(new Entity(name, Kind.TOPIC, 1, false, dedupe));
    }

    private AmqpBroker create(Entity entity) {
        synchronized (lock) {
            String k = entity.name.toLowerCase(Locale.ROOT);
            if (entities.containsKey(k)) {
                throw new IllegalArgumentException("entity exists: " + entity.name);
            }
            entities.put(k, entity);
        }
        return this;
    }

    /**
     * Makes the next transfers to an entity fail: each is answered with disposition Rejected carrying this error,
     * and counted in {@link #rejectedCount}. Adds to transfers still due to fail.
     *
     * @param entity an entity name
     * @param times how many transfers, at least 1
     * @param condition the AMQP error condition, e.g. {@code com.microsoft:server-busy}, {@code amqp:internal-error},
     *     {@code amqp:unauthorized-access}
     * @param description the error description
     * @throws IllegalArgumentException if the entity does not exist or times is below 1
     */
    public void failNext(String entity, int times, String condition, String description) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        synchronized (lock) {
            Entity e = entity(entity);
            e.failTimes += times;
            e.failCondition = Objects.requireNonNull(condition, "condition");
            e.failDescription = description;
        }
    }

    /**
     * Makes the next transfers to an entity go unanswered: they are never settled (nor stored), so the client's send
     * times out after its try timeout. Counted in {@link #heldCount}.
     *
     * @param entity an entity name
     * @param times how many transfers, at least 1
     * @throws IllegalArgumentException if the entity does not exist or times is below 1
     */
    public void holdNext(String entity, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        synchronized (lock) {
            entity(entity).holdTimes += times;
        }
    }

    /**
     * Closes every client socket at once, without AMQP close frames (TCP reset), as a network failure would. The SDK
     * reconnects on its next operation.
     *
     * @return how many connections were dropped
     * @throws IllegalStateException if the broker is closed or its thread does not answer within 5 seconds
     */
    public int dropConnections() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        runOnIoThread(() -> {
            int n = 0;
            for (Client c : new ArrayList<>(clients)) {
                c.abort();
                n++;
            }
            done.complete(n);
        });
        try {
            return done.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker thread did not drop the connections", e);
        }
    }

    /**
     * The messages an entity accepted and stored, in arrival order.
     *
     * @param entity an entity name
     * @return a snapshot
     * @throws IllegalArgumentException if the entity does not exist
     */
    public List<Received> received(String entity) {
        synchronized (lock) {
            return List.copyOf(entity(entity).received);
        }
    }

    /**
     * The transfers to an entity, whatever their outcome, in arrival order.
     *
     * @param entity an entity name
     * @return a snapshot
     * @throws IllegalArgumentException if the entity does not exist
     */
    public List<Transfer> transfers(String entity) {
        synchronized (lock) {
            return List.copyOf(entity(entity).transfers);
        }
    }

    /**
     * Every put-token request so far, in order.
     *
     * @return a snapshot
     */
    public List<PutToken> putTokens() {
        synchronized (lock) {
            return List.copyOf(putTokens);
        }
    }

    /**
     * Every client connection opened so far (also closed and dropped ones), in order.
     *
     * @return a snapshot
     */
    public List<ClientConnection> connections() {
        synchronized (lock) {
            return List.copyOf(connections);
        }
    }

    /**
     * How many transfers to an entity were rejected: injected faults, too large, missing session id.
     *
     * @param entity an entity name
     * @return a count
     * @throws IllegalArgumentException if the entity does not exist
     */
    public int rejectedCount(String entity) {
        synchronized (lock) {
            return entity(entity).rejected;
        }
    }

    /**
     * How many transfers to an entity were held unanswered ({@link #holdNext}).
     *
     * @param entity an entity name
     * @return a count
     * @throws IllegalArgumentException if the entity does not exist
     */
    public int heldCount(String entity) {
        synchronized (lock) {
            return entity(entity).held;
        }
    }

    /**
     * How many messages an entity with duplicate detection accepted without storing them again.
     *
     * @param entity an entity name
     * @return a count
     * @throws IllegalArgumentException if the entity does not exist
     */
    public int duplicateCount(String entity) {
        synchronized (lock) {
            return entity(entity).duplicates;
        }
    }

    /**
     * Forgets what was captured and counted: received messages, transfers, put-tokens, connections and counts.
     * Keeps keys, entities, the tier, pending faults and the message ids seen by duplicate detection.
     */
    public void clear() {
        synchronized (lock) {
            for (Entity e : entities.values()) {
                e.received.clear();
                e.transfers.clear();
                e.rejected = 0;
                e.held = 0;
                e.duplicates = 0;
            }
            putTokens.clear();
            connections.clear();
        }
    }

    /**
     * Stops listening, answers what each client already sent, sends it an AMQP close and closes its socket (orderly,
     * not reset: {@link #dropConnections} is the abrupt one); returns when the broker thread has ended (at most about
     * 5 seconds).
     */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Entity entity(String name) {
        Entity e = entities.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("no such entity: " + name);
        }
        return e;
    }

    private void runOnIoThread(Runnable task) {
        if (!running || !thread.isAlive()) {
            throw new IllegalStateException("the broker is closed");
        }
        tasks.add(task);
        selector.wakeup();
    }

    // ---------------------------------------------------------------------------------------------------- IO thread

    private void run() {
        try {
            while (running) {
                long now = millis();
                long next = now + 1_000;
                for (Client c : new ArrayList<>(clients)) {
                    long deadline = service(c, now);
                    if (deadline > 0) {
                        next = Math.min(next, deadline);
                    }
                }
                selector.select(Math.max(1, next - millis()));
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        ((Client) key.attachment()).read();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("AMQP broker on port {} stopped", port, e);
        } finally {
            running = false;
            for (Client c : new ArrayList<>(clients)) {
                c.shutdown();
            }
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    /** Handles the client's events, ticks, writes; returns the next tick deadline (0: none). */
    private long service(Client c, long now) {
        long deadline = 0;
        try {
            c.handleEvents();
            deadline = c.transport.tick(now);
            c.handleEvents();
            c.write();
        } catch (IOException | RuntimeException e) {
            LOG.warn("connection {} failed; closing it", c.id, e);
            c.abort();
        }
        if (c.finished()) {
            c.end(false);
        }
        return deadline;
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            int id;
            synchronized (lock) {
                id = ++connectionIds;
            }
            Client c = new Client(id, channel);
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            clients.add(c);
        }
    }

    private static long millis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** What a link of the client is for. */
    private enum Role { CBS, MANAGEMENT, ENTITY, REPLY }

    private static final class LinkContext {
        final Role role;
        final String address;
        final Entity entity;
        final String partition;

        LinkContext(Role role, String address, Entity entity, String partition) {
            this.role = role;
            this.address = address;
            this.entity = entity;
            this.partition = partition;
        }
    }

    /** Bytes of a delivery still arriving, or done. */
    private static final class Incoming {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean done;
    }

    private record Grant(String audiencePath, String keyName, Instant expiresAt) {
    }

    private record Resolved(Entity entity, String partition) {
    }

    /** One client connection: socket, proton transport and connection, and the audiences it put tokens for. */
    private final class Client {
        final int id;
        final SocketChannel channel;
        final Transport transport = Proton.transport();
        final Connection connection = Proton.connection();
        final Collector collector = Proton.collector();
        final Sasl sasl;
        final List<Grant> grants = new ArrayList<>();
        SelectionKey key;
        boolean aborted;
        boolean tailClosed;
        long tags;

        Client(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
            transport.setMaxFrameSize(MAX_FRAME_SIZE);
            sasl = transport.sasl();
            sasl.server();
            // the SDK (proton-j's reactor) offers ANONYMOUS and authorizes per entity through $cbs; the service
            // also offers MSSBCBS
            sasl.setMechanisms("MSSBCBS", "ANONYMOUS");
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
            connection.collect(collector);
            transport.bind(connection);
        }

        void read() {
            try {
                while (!tailClosed) {
                    int capacity = transport.capacity();
                    if (capacity < 0) {
                        tailClosed = true;
                        break;
                    }
                    if (capacity == 0) {
                        break;
                    }
                    ByteBuffer tail = transport.tail();
                    int n = channel.read(tail);
                    if (n < 0) {
                        tailClosed = true;
                        transport.close_tail();
                    } else if (n == 0) {
                        break;
                    } else {
                        transport.process();
                    }
                }
            } catch (IOException | TransportException e) {
                LOG.debug("connection {}: read failed", id, e);
                abort();
            }
        }

        void write() throws IOException {
            while (!aborted) {
                int pending = transport.pending();
                if (pending <= 0) {
                    break;
                }
                ByteBuffer head = transport.head();
                int n = channel.write(head);
                if (n <= 0) {
                    break;
                }
                transport.pop(n);
            }
            if (!aborted && key.isValid()) {
                key.interestOps(SelectionKey.OP_READ | (transport.pending() > 0 ? SelectionKey.OP_WRITE : 0));
            }
        }

        boolean finished() {
            // pending() < 0: the output is closed (after our close frame, or an error) and all of it written
            return aborted || transport.isClosed() || transport.pending() < 0;
        }

        /**
         * Ends the connection when the broker closes: answers what the client already sent (often its own close),
         * sends an AMQP close, writes what fits without waiting, and closes the socket.
         */
        void shutdown() {
            if (aborted) {
                return;
            }
            try {
                read();
                handleEvents();
                if (!aborted && connection.getLocalState() != EndpointState.CLOSED) {
                    connection.close();
                }
                handleEvents();
                write();
            } catch (IOException | RuntimeException e) {
                LOG.debug("connection {}: orderly close failed", id, e);
            }
            end(false);
        }

        /** Closes the socket at once with a TCP reset, as a network failure would. */
        void abort() {
            end(true);
        }

        /** Closes the socket: with a reset, or orderly after the AMQP close (or the client's). */
        void end(boolean reset) {
            if (aborted) {
                return;
            }
            aborted = true;
            clients.remove(this);
            if (key != null) {
                key.cancel();
            }
            if (reset) {
                try {
                    channel.socket().setSoLinger(true, 0);
                } catch (IOException e) {
                    // closing anyway
                }
            }
            closeQuietly(channel);
        }

        void handleEvents() {
            Event event;
            while (!aborted && (event = collector.peek()) != null) {
                try {
                    handle(event);
                } finally {
                    collector.pop();
                }
            }
        }

        void handle(Event event) {
            switch (event.getType()) {
                case CONNECTION_REMOTE_OPEN -> onConnectionOpen();
                case CONNECTION_REMOTE_CLOSE -> connection.close();
                case SESSION_REMOTE_OPEN -> {
                    Session s = event.getSession();
                    if (s.getLocalState() == EndpointState.UNINITIALIZED) {
                        s.open();
                    }
                }
                case SESSION_REMOTE_CLOSE -> event.getSession().close();
                case LINK_REMOTE_OPEN -> onLinkOpen(event.getLink());
                case LINK_REMOTE_CLOSE -> event.getLink().close();
                case LINK_REMOTE_DETACH -> event.getLink().detach();
                case DELIVERY -> onDelivery(event.getDelivery());
                default -> {
                }
            }
        }

        void onConnectionOpen() {
            Map<String, Object> props = new LinkedHashMap<>();
            if (connection.getRemoteProperties() != null) {
                connection.getRemoteProperties().forEach((k, v) -> props.put(String.valueOf(k), v));
            }
            String[] mechanisms = sasl.getRemoteMechanisms();
            synchronized (lock) {
                connections.add(new ClientConnection(id, connection.getRemoteContainer(),
                        connection.getRemoteHostname(), mechanisms.length > 0 ? mechanisms[0] : null,
                        Collections.unmodifiableMap(props)));
            }
            connection.setContainer(CONTAINER_ID);
            connection.open();
        }

        String namespace() {
            String h = connection.getRemoteHostname();
            return h != null ? h : HOST;
        }

        void onLinkOpen(Link link) {
            if (link.getLocalState() != EndpointState.UNINITIALIZED) {
                return;
            }
            if (link instanceof Sender) {
                onClientReceiver((Sender) link);
            } else {
                onClientSender((Receiver) link);
            }
        }

        /** The client's receiver link: only the reply links of $cbs and $management are served. */
        void onClientReceiver(Sender link) {
            String source = link.getRemoteSource() instanceof Source s ? s.getAddress() : null;
            if (source != null && (source.equals(CBS) || source.endsWith(MANAGEMENT))) {
                link.setContext(new LinkContext(Role.REPLY, source, null, null));
                link.setSource(link.getRemoteSource());
                link.setTarget(link.getRemoteTarget());
                link.setSenderSettleMode(link.getRemoteSenderSettleMode());
                link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
                link.open();
                return;
            }
            refuse(link, "amqp:not-implemented", "This test broker does not deliver messages to receivers ('"
                    + source + "').");
        }

        /** The client's sender link: $cbs or $management requests, or messages to an entity. */
        void onClientSender(Receiver link) {
            String address = link.getRemoteTarget() instanceof Target t ? t.getAddress() : null;
            if (address == null) {
                refuse(link, "amqp:not-implemented", "This test broker takes no transactions or anonymous links.");
                return;
            }
            if (address.equals(CBS)) {
                open(link, new LinkContext(Role.CBS, address, null, null), null);
                return;
            }
            if (address.endsWith(MANAGEMENT)) {
                open(link, new LinkContext(Role.MANAGEMENT, address, null, null), null);
                return;
            }
            Resolved resolved;
            String refusal = null;
            long maxBytes;
            synchronized (lock) {
                resolved = resolve(address);
                maxBytes = maxMessageBytes;
                if (resolved != null) {
                    Grant grant = grantFor(address);
                    if (grant == null) {
                        refusal = unauthorizedSend(address);
                    } else if (grant.keyName() != null && sendDenied.contains(grant.keyName())) {
                        refusal = unauthorizedSend(address);
                    }
                }
            }
            if (resolved == null) {
                refuse(link, "amqp:not-found", notFound(address));
            } else if (refusal != null) {
                refuse(link, "amqp:unauthorized-access", refusal);
            } else {
                open(link, new LinkContext(Role.ENTITY, address, resolved.entity(), resolved.partition()),
                        UnsignedLong.valueOf(maxBytes));
            }
        }

        void open(Receiver link, LinkContext context, UnsignedLong maxMessageSize) {
            link.setContext(context);
            link.setSource(link.getRemoteSource());
            link.setTarget(link.getRemoteTarget());
            link.setSenderSettleMode(link.getRemoteSenderSettleMode());
            link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
            if (maxMessageSize != null) {
                link.setMaxMessageSize(maxMessageSize);
            }
            link.open();
            link.flow(CREDIT);
        }

        /** Answers an attach with a null terminus and detaches with the error, as the service does. */
        void refuse(Link link, String condition, String description) {
            LOG.debug("connection {}: refusing link {}: {} {}", id, link.getName(), condition, description);
            link.setSenderSettleMode(link.getRemoteSenderSettleMode());
            link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
            if (link instanceof Receiver) {
                link.setSource(link.getRemoteSource());
                link.setTarget(null);
            } else {
                link.setSource(null);
                link.setTarget(link.getRemoteTarget());
            }
            link.open();
            link.setCondition(new ErrorCondition(Symbol.valueOf(condition), description));
            link.close();
        }

        Grant grantFor(String address) {
            Instant now = Instant.now();
            for (Grant g : grants) {
                if (g.expiresAt().isAfter(now) && covers(g.audiencePath(), address)) {
                    return g;
                }
            }
            return null;
        }

        String unauthorizedSend(String address) {
            return "Unauthorized access. 'Send' claim(s) are required to perform this operation. Resource: 'sb://"
                    + namespace() + "/" + address.toLowerCase(Locale.ROOT) + "'. " + tracking(address);
        }

        String notFound(String address) {
            return "The messaging entity 'sb://" + namespace() + "/" + address.toLowerCase(Locale.ROOT)
                    + "' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions. "
                    + tracking(address);
        }

        String tracking(String address) {
            return "TrackingId:" + UUID.randomUUID() + "_G" + id + ", SystemTracker:" + namespace() + ":"
                    + address + ", Timestamp:" + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }

        void onDelivery(Delivery delivery) {
            Link link = delivery.getLink();
            if (!(link instanceof Receiver receiver)) {
                // the client's disposition of a reply: replies go pre-settled, nothing to do
                if (delivery.remotelySettled() && !delivery.isSettled()) {
                    delivery.settle();
                }
                return;
            }
            Incoming in = delivery.getContext() instanceof Incoming i ? i : new Incoming();
            delivery.setContext(in);
            if (in.done) {
                return; // a later state change of a delivery already handled (e.g. a held one)
            }
            if (delivery.isAborted()) {
                in.done = true;
                receiver.advance();
                delivery.settle();
                return;
            }
            byte[] chunk = new byte[Math.max(delivery.pending(), 1024)];
            int n;
            while ((n = receiver.recv(chunk, 0, chunk.length)) > 0) {
                in.bytes.write(chunk, 0, n);
            }
            if (delivery.isPartial()) {
                return;
            }
            in.done = true;
            receiver.advance();
            if (receiver.getCredit() < CREDIT / 2) {
                receiver.flow(CREDIT - receiver.getCredit());
            }
            LinkContext context = (LinkContext) receiver.getContext();
            byte[] payload = in.bytes.toByteArray();
            switch (context.role) {
                case CBS -> {
                    settleRequest(delivery);
                    onPutToken(receiver.getSession(), decode(payload));
                }
                case MANAGEMENT -> {
                    settleRequest(delivery);
                    onManagement(receiver.getSession(), context, decode(payload));
                }
                case ENTITY -> onTransfer(delivery, context, payload);
                default -> delivery.settle();
            }
        }

        void settleRequest(Delivery delivery) {
            if (!delivery.remotelySettled()) {
                delivery.disposition(Accepted.getInstance());
            }
            delivery.settle();
        }

        // ---------------------------------------------------------------------------------------------- $cbs

        void onPutToken(Session session, Message request) {
            Map<String, Object> props = properties(request);
            String operation = str(props.get("operation"));
            String audience = str(props.get("name"));
            String type = str(props.get("type"));
            Object body = request.getBody() instanceof AmqpValue v ? v.getValue() : null;
            String token = body instanceof String s ? s : null;
            Verdict verdict;
            if (!"put-token".equals(operation) || audience == null || type == null || token == null) {
                verdict = Verdict.refused(400, null, "BadRequest: a put-token needs operation, name, type and a "
                        + "string body. " + tracking(CBS));
            } else if (type.equals(SAS_TOKEN_TYPE)) {
                verdict = checkSas(token, audience);
            } else if (type.equals(JWT_TOKEN_TYPE)) {
                verdict = checkJwt(token, props.get("expiration"));
            } else {
                verdict = Verdict.refused(400, null, "BadRequest: unknown token type '" + type + "'. "
                        + tracking(CBS));
            }
            if (verdict.accepted) {
                grants.add(new Grant(audiencePath(audience), verdict.keyName, verdict.expiresAt));
            }
            int status = verdict.accepted ? 202 : verdict.status;
            String description = verdict.accepted ? "Accepted" : verdict.description;
            synchronized (lock) {
                putTokens.add(new PutToken(id, audience, type, verdict.keyName, verdict.accepted, status,
                        description));
            }
            Map<String, Object> answer = new HashMap<>();
            answer.put("status-code", status);
            answer.put("status-description", description);
            reply(session, request, answer, null);
        }

        Verdict checkSas(String token, String audience) {
            final String prefix = "SharedAccessSignature ";
            if (!token.startsWith(prefix)) {
                return Verdict.refused(401, null, "MalformedToken: The credentials contained in the authorization "
                        + "header are not in the WRAP format. " + tracking(CBS));
            }
            Map<String, String> fields = new HashMap<>();
            for (String pair : token.substring(prefix.length()).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
                }
            }
            String sr = fields.get("sr");
            String sig = fields.get("sig");
            String se = fields.get("se");
            String skn = fields.get("skn");
            if (sr == null || sig == null || se == null || skn == null) {
                return Verdict.refused(401, null, "MalformedToken: The token needs sr, sig, se and skn. "
                        + tracking(CBS));
            }
            String keyName = URLDecoder.decode(skn, UTF_8);
            String resource = URLDecoder.decode(sr, UTF_8);
            long expiresAtSeconds;
            try {
                expiresAtSeconds = Long.parseLong(URLDecoder.decode(se, UTF_8));
            } catch (NumberFormatException e) {
                return Verdict.refused(401, keyName, "MalformedToken: se is not a number. " + tracking(CBS));
            }
            SasKey key;
            synchronized (lock) {
                key = keys.get(keyName);
            }
            if (key == null || !key.allows(audiencePath(resource))) {
                return Verdict.refused(401, keyName, "InvalidIssuer: Token issuer is invalid. " + tracking(CBS));
            }
            // signed over the url-encoded resource: as the SDK encodes it (java.net.URLEncoder), or as it stands in
            // the token (other encoders escape differently)
            byte[] expected = hmac(key.key, URLEncoder.encode(resource, UTF_8) + "\n" + expiresAtSeconds);
            byte[] expectedRaw = hmac(key.key, sr + "\n" + expiresAtSeconds);
            byte[] given;
            try {
                given = Base64.getDecoder().decode(URLDecoder.decode(sig, UTF_8));
            } catch (IllegalArgumentException e) {
                given = new byte[0];
            }
            if (!MessageDigest.isEqual(expected, given) && !MessageDigest.isEqual(expectedRaw, given)) {
                return Verdict.refused(401, keyName, "InvalidSignature: The token has an invalid signature. "
                        + tracking(CBS));
            }
            Instant expiresAt = Instant.ofEpochSecond(expiresAtSeconds);
            if (!expiresAt.isAfter(Instant.now())) {
                return Verdict.refused(401, keyName, "ExpiredToken: The token is expired. Expiration time: '"
                        + expiresAt + "'. " + tracking(CBS));
            }
            if (!covers(audiencePath(resource), audiencePath(audience))) {
                return Verdict.refused(401, keyName, "InvalidAudience: The token audience '" + resource
                        + "' does not cover '" + audience + "'. " + tracking(CBS));
            }
            return Verdict.accepted(keyName, expiresAt);
        }

        Verdict checkJwt(String token, Object expiration) {
            boolean known;
            synchronized (lock) {
                known = acceptedTokens.contains(token);
            }
            if (!known) {
                return Verdict.refused(401, null, "InvalidIssuer: Token issuer is invalid. " + tracking(CBS));
            }
            Instant expiresAt = expiration instanceof Date d ? d.toInstant() : Instant.now().plus(1, ChronoUnit.HOURS);
            return Verdict.accepted(null, expiresAt);
        }

        // ---------------------------------------------------------------------------------------- $management

        void onManagement(Session session, LinkContext context, Message request) {
            Map<String, Object> props = properties(request);
            String operation = str(props.get("operation"));
            String type = str(props.get("type"));
            String name = str(props.get("name"));
            Map<String, Object> answer = new HashMap<>();
            Object body = null;
            if (!"READ".equals(operation) || name == null
                    || !("com.microsoft:eventhub".equals(type) || "com.microsoft:partition".equals(type))) {
                answer.put("status-code", 501);
                answer.put("status-description", "NotImplemented: this test broker answers only the Event Hubs "
                        + "READ operations, not '" + operation + "' on " + context.address + ". "
                        + tracking(context.address));
                reply(session, request, answer, null);
                return;
            }
            Verdict auth = checkManagementToken(str(props.get("security_token")), name);
            if (!auth.accepted) {
                answer.put("status-code", auth.status);
                answer.put("status-description", auth.description);
                reply(session, request, answer, null);
                return;
            }
            synchronized (lock) {
                Entity hub = entities.get(name.toLowerCase(Locale.ROOT));
                if (hub == null || hub.kind != Kind.EVENT_HUB) {
                    answer.put("status-code", 404);
                    answer.put("status-description", notFound(name));
                } else if ("com.microsoft:eventhub".equals(type)) {
                    Map<String, Object> map = new HashMap<>();
                    map.put("name", hub.name);
                    map.put("created_at", Date.from(hub.createdAt));
                    map.put("partition_ids", hub.partitionIds());
                    body = map;
                } else {
                    String partition = str(props.get("partition"));
                    int p = hub.partitionIndex(partition);
                    if (p < 0) {
                        answer.put("status-code", 400);
                        answer.put("status-description", "ArgumentOutOfRangeException: The specified partition '"
                                + partition + "' is invalid for an EventHub partition sender or receiver. It should "
                                + "be between 0 and " + (hub.partitions - 1) + ". " + tracking(name));
                    } else {
                        long count = hub.nextSequence[p];
                        Map<String, Object> map = new HashMap<>();
                        map.put("name", hub.name);
                        map.put("partition", partition);
                        map.put("begin_sequence_number", count == 0 ? -1L : 0L);
                        map.put("last_enqueued_sequence_number", count - 1);
                        map.put("last_enqueued_offset", String.valueOf(count == 0 ? -1 : count - 1));
                        map.put("last_enqueued_time_utc",
                                Date.from(hub.lastEnqueued[p] != null ? hub.lastEnqueued[p] : Instant.EPOCH));
                        map.put("is_partition_empty", count == 0);
                        body = map;
                    }
                }
            }
            if (body != null) {
                answer.put("status-code", 200);
                answer.put("status-description", "OK");
            }
            reply(session, request, answer, body);
        }

        /** The Event Hubs management node takes the token in each request ({@code security_token}). */
        Verdict checkManagementToken(String token, String hub) {
            if (token == null) {
                return Verdict.refused(401, null, "Unauthorized: the request has no security_token. "
                        + tracking(MANAGEMENT));
            }
            String audience = "amqp://" + namespace() + "/" + hub;
            if (token.startsWith("SharedAccessSignature ")) {
                return checkSas(token, audience);
            }
            return checkJwt(token, null);
        }

        void reply(Session session, Message request, Map<String, Object> properties, Object body) {
            String replyTo = request.getReplyTo();
            Sender sender = replyLink(session, replyTo);
            if (sender == null) {
                LOG.warn("connection {}: no reply link to '{}'; request dropped", id, replyTo);
                return;
            }
            Message response = Proton.message();
            response.setCorrelationId(request.getMessageId());
            response.setAddress(replyTo);
            response.setApplicationProperties(new ApplicationProperties(properties));
            if (body != null) {
                response.setBody(new AmqpValue(body));
            }
            byte[] bytes = encode(response);
            Delivery d = sender.delivery(String.valueOf(++tags).getBytes(UTF_8));
            sender.send(bytes, 0, bytes.length);
            sender.advance();
            d.settle();
        }

        Sender replyLink(Session session, String replyTo) {
            Sender fallback = null;
            EnumSet<EndpointState> active = EnumSet.of(EndpointState.ACTIVE);
            for (Link l = connection.linkHead(active, active); l != null; l = l.next(active, active)) {
                if (l instanceof Sender s && l.getRemoteTarget() instanceof Target t
                        && Objects.equals(t.getAddress(), replyTo)) {
                    if (l.getSession() == session) {
                        return s;
                    }
                    fallback = s;
                }
            }
            return fallback;
        }

        // ------------------------------------------------------------------------------------------ transfers

        void onTransfer(Delivery delivery, LinkContext context, byte[] payload) {
            int format = delivery.getMessageFormat();
            Entity entity = context.entity;
            Outcome outcome;
            ErrorCondition error = null;
            Unpacked unpacked = null;
            Map<String, Object> envelope = Map.of();
            synchronized (lock) {
                long transferId = ++transferIds;
                long deliveryNo = entity.deliveries++;
                if (entity.holdTimes > 0) {
                    entity.holdTimes--;
                    entity.held++;
                    outcome = Outcome.HELD;
                } else if (entity.failTimes > 0) {
                    entity.failTimes--;
                    error = new ErrorCondition(Symbol.valueOf(entity.failCondition), entity.failDescription);
                    outcome = Outcome.REJECTED;
                } else if (payload.length > maxMessageBytes) {
                    error = new ErrorCondition(Symbol.valueOf("amqp:link:message-size-exceeded"),
                            "The received message (delivery-id:" + deliveryNo + ", size:" + payload.length
                                    + " bytes) exceeds the limit (" + maxMessageBytes + " bytes) currently allowed "
                                    + "on the link. " + tracking(context.address));
                    outcome = Outcome.REJECTED;
                } else {
                    try {
                        unpacked = unpack(payload, format);
                        envelope = unpacked.envelope;
                        outcome = Outcome.ACCEPTED;
                        if (entity.requiresSession) {
                            for (Message m : unpacked.messages) {
                                if (m.getGroupId() == null || m.getGroupId().isEmpty()) {
                                    error = new ErrorCondition(Symbol.valueOf("amqp:not-allowed"),
                                            "The SessionId was not set on a message, and it cannot be sent to the "
                                                    + "entity. Entities that have session support enabled can only "
                                                    + "receive messages that have the SessionId set to a valid "
                                                    + "value. " + tracking(context.address));
                                    outcome = Outcome.REJECTED;
                                    break;
                                }
                            }
                        }
                    } catch (RuntimeException e) {
                        error = new ErrorCondition(Symbol.valueOf("amqp:decode-error"),
                                "The message could not be decoded: " + e + ". " + tracking(context.address));
                        outcome = Outcome.REJECTED;
                    }
                }
                if (outcome == Outcome.REJECTED) {
                    entity.rejected++;
                }
                entity.transfers.add(new Transfer(transferId, entity.name, context.address, id, payload.length,
                        format, unpacked != null ? unpacked.messages.size() : count(payload, format), outcome,
                        error != null ? error.getCondition().toString() : null, envelope));
                if (outcome == Outcome.ACCEPTED) {
                    store(entity, context, transferId, payload.length, unpacked);
                }
            }
            switch (outcome) {
                case ACCEPTED -> {
                    delivery.disposition(Accepted.getInstance());
                    delivery.settle();
                }
                case REJECTED -> {
                    Rejected rejected = new Rejected();
                    rejected.setError(error);
                    delivery.disposition(rejected);
                    delivery.settle();
                }
                default -> {
                    // HELD: neither disposition nor settlement
                }
            }
        }
    }

    /** Stores accepted messages, with duplicate detection and partition assignment. Caller holds the lock. */
    private static void store(Entity entity, LinkContext context, long transferId, long transferSize,
            Unpacked unpacked) {
        Instant now = Instant.now();
        List<Message> messages = unpacked.messages;
        Map<String, Object> envelope = unpacked.envelope;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String messageId = m.getMessageId() != null ? String.valueOf(m.getMessageId()) : null;
            if (entity.duplicateDetection && messageId != null && !entity.acceptedIds.add(messageId)) {
                entity.duplicates++;
                continue;
            }
            Map<String, Object> annotations = annotations(m.getMessageAnnotations());
            String partition = null;
            int p = 0;
            if (entity.kind == Kind.EVENT_HUB) {
                Object key = annotations.containsKey(PARTITION_KEY.toString())
                        ? annotations.get(PARTITION_KEY.toString()) : envelope.get(PARTITION_KEY.toString());
                if (context.partition != null) {
                    p = entity.partitionIndex(context.partition);
                } else if (key != null) {
                    p = Math.floorMod(key.hashCode(), entity.partitions);
                } else {
                    p = entity.roundRobin++ % entity.partitions;
                }
                partition = String.valueOf(p);
            }
            long sequence = entity.nextSequence[p]++;
            entity.lastEnqueued[p] = now;
            byte[] body = null;
            Object value = null;
            if (m.getBody() instanceof Data d) {
                body = d.getValue().getArray() == null ? new byte[0] : copy(d.getValue());
            } else if (m.getBody() instanceof AmqpValue v) {
                value = v.getValue();
            } else if (m.getBody() instanceof AmqpSequence s) {
                value = s.getValue();
            }
            Map<String, Object> props = new LinkedHashMap<>();
            if (m.getApplicationProperties() != null && m.getApplicationProperties().getValue() != null) {
                m.getApplicationProperties().getValue().forEach((k, v) -> props.put(String.valueOf(k), v));
            }
            entity.received.add(new Received(entity.name, context.address, partition, sequence, transferId, i,
                    messages.size(), transferSize, unpacked.sizes.get(i), body, value,
                    messageId, m.getContentType(), m.getGroupId(), m.getSubject(),
                    m.getCorrelationId() != null ? String.valueOf(m.getCorrelationId()) : null,
                    Collections.unmodifiableMap(props), Collections.unmodifiableMap(annotations), now));
        }
    }

    private record Unpacked(List<Message> messages, List<Integer> sizes, Map<String, Object> envelope) {
    }

    /**
     * Decodes a transfer: format 0 is one message; the batch format is an envelope (annotations, properties) followed
     * by Data sections that each hold one encoded message.
     */
    private static Unpacked unpack(byte[] payload, int format) {
        if (format != BATCH_FORMAT) {
            Message m = decode(payload);
            return new Unpacked(List.of(m), List.of(payload.length), annotations(m.getMessageAnnotations()));
        }
        List<Message> messages = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Map<String, Object> envelope = Map.of();
        for (Object section : sections(payload)) {
            if (section instanceof MessageAnnotations a) {
                envelope = annotations(a);
            } else if (section instanceof Data d) {
                Binary b = d.getValue();
                Message m = Proton.message();
                m.decode(b.getArray(), b.getArrayOffset(), b.getLength());
                messages.add(m);
                sizes.add(b.getLength());
            }
        }
        return new Unpacked(messages, sizes, envelope);
    }

    private static int count(byte[] payload, int format) {
        if (format != BATCH_FORMAT) {
            return 1;
        }
        try {
            int n = 0;
            for (Object section : sections(payload)) {
                n += section instanceof Data ? 1 : 0;
            }
            return n;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static List<Object> sections(byte[] payload) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ReadableBuffer buffer = ReadableBuffer.ByteBufferReader.wrap(payload);
        decoder.setBuffer(buffer);
        List<Object> sections = new ArrayList<>();
        while (buffer.hasRemaining()) {
            sections.add(decoder.readObject());
        }
        return sections;
    }

    private static Message decode(byte[] payload) {
        Message m = Proton.message();
        m.decode(payload, 0, payload.length);
        return m;
    }

    private static byte[] encode(Message m) {
        for (int size = 4096; ; size *= 2) {
            byte[] bytes = new byte[size];
            try {
                int n = m.encode(bytes, 0, size);
                return Arrays.copyOf(bytes, n);
            } catch (BufferOverflowException e) {
                // try a larger buffer
            }
        }
    }

    private static Map<String, Object> annotations(MessageAnnotations a) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (a != null && a.getValue() != null) {
            a.getValue().forEach((k, v) -> map.put(String.valueOf(k), v instanceof Symbol ? v.toString() : v));
        }
        return map;
    }

    private static Map<String, Object> properties(Message m) {
        Map<String, Object> map = new HashMap<>();
        if (m.getApplicationProperties() != null && m.getApplicationProperties().getValue() != null) {
            m.getApplicationProperties().getValue().forEach((k, v) -> map.put(String.valueOf(k), v));
        }
        return map;
    }

    private static byte[] copy(Binary b) {
        byte[] out = new byte[b.getLength()];
        System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
        return out;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** The entity an address names: {@code hub}, {@code hub/Partitions/<id>}, {@code queue}, {@code topic}. */
    private Resolved resolve(String address) {
        Entity whole = entities.get(address.toLowerCase(Locale.ROOT));
        if (whole != null) {
            return new Resolved(whole, null);
        }
        int at = address.toLowerCase(Locale.ROOT).indexOf("/partitions/");
        if (at > 0) {
            Entity hub = entities.get(address.substring(0, at).toLowerCase(Locale.ROOT));
            String partition = address.substring(at + "/partitions/".length());
            if (hub != null && hub.kind == Kind.EVENT_HUB && hub.partitionIndex(partition) >= 0) {
                return new Resolved(hub, partition);
            }
        }
        return null;
    }

    /** The path of an audience such as {@code amqp://host/hub1} or {@code sb://host/q1}: {@code hub1}; "" for all. */
    private static String audiencePath(String audience) {
        String a = audience.trim();
        int scheme = a.indexOf("://");
        if (scheme >= 0) {
            a = a.substring(scheme + 3);
            int slash = a.indexOf('/');
            a = slash < 0 ? "" : a.substring(slash + 1);
        }
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        return a.toLowerCase(Locale.ROOT);
    }

    /** Whether a token for audience path {@code granted} is good for {@code path} (itself or below it). */
    private static boolean covers(String granted, String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return granted.isEmpty() || p.equals(granted) || p.startsWith(granted + "/");
    }

    private static byte[] hmac(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing to do
            }
        }
    }

    private record SasKey(String key, Set<String> entities) {
        boolean allows(String audiencePath) {
            if (entities.isEmpty()) {
                return true;
            }
            for (String e : entities) {
                if (covers(e, audiencePath) && !audiencePath.isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Verdict(boolean accepted, int status, String keyName, String description, Instant expiresAt) {
        static Verdict accepted(String keyName, Instant expiresAt) {
            return new Verdict(true, 202, keyName, "Accepted", expiresAt);
        }

        static Verdict refused(int status, String keyName, String description) {
            return new Verdict(false, status, keyName, description, null);
        }
    }

    /** An event hub, queue or topic and what it captured. Guarded by the broker's lock. */
    private static final class Entity {
        final String name;
        final Kind kind;
        final int partitions;
        final boolean requiresSession;
        final boolean duplicateDetection;
        final Instant createdAt = Instant.now();
        final long[] nextSequence;
        final Instant[] lastEnqueued;
        final Set<String> acceptedIds = new HashSet<>();
        final List<Received> received = new ArrayList<>();
        final List<Transfer> transfers = new ArrayList<>();
        int roundRobin;
        long deliveries;
        int failTimes;
        String failCondition;
        String failDescription;
        int holdTimes;
        int rejected;
        int held;
        int duplicates;

        Entity(String name, Kind kind, int partitions, boolean requiresSession, boolean duplicateDetection) {
            this.name = Objects.requireNonNull(name, "name");
            this.kind = kind;
            this.partitions = partitions;
            this.requiresSession = requiresSession;
            this.duplicateDetection = duplicateDetection;
            this.nextSequence = new long[partitions];
            this.lastEnqueued = new Instant[partitions];
        }

        String[] partitionIds() {
            String[] ids = new String[partitions];
            for (int i = 0; i < partitions; i++) {
                ids[i] = String.valueOf(i);
            }
            return ids;
        }

        int partitionIndex(String id) {
            try {
                int p = Integer.parseInt(id);
                return p >= 0 && p < partitions ? p : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
