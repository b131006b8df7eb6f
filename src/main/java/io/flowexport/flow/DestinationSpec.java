package io.flowexport.flow;

import java.time.Duration;
import java.util.Map;

/**
 * One place an export is delivered to, as a flow (inline, or by {@code ref} to the destination catalogue with
 * overrides) or {@code file_path} (the short form of a file destination) describes it. Immutable; secrets are
 * references ({@link SecretValue}) read only when the destination is used.
 */
public sealed interface DestinationSpec {

    /** The destination's name in the flow: delivery state, idempotency keys and logs use it. Unique per flow. */
    String name();

    /** The connector. */
    DestinationType type();

    /** The catalogue entry this destination was made from ({@code ref}), or null when it is inline. */
    String ref();

    /**
     * The destination's path or URL with placeholders, as the flow writes it: a file's path, an HTTP URL, a lake
     * file's path in its file system.
     */
    static String template(DestinationSpec d) {
        if (d instanceof File f) {
            return f.path();
        } else if (d instanceof Http h) {
            return h.url();
        } else if (d instanceof Lake l) {
            return l.objectPath();
        } else if (d instanceof Messaging m) {
            return m.entity();
        }
        throw new IllegalArgumentException("unknown destination " + d);
    }

    /**
     * A file under the export directory, published by an atomic rename.
     *
     * @param path target path relative to the export directory, with placeholders ({@code {batch_id}}, ...)
     */
    record File(String name, String ref, String path) implements DestinationSpec {
        @Override
        public DestinationType type() {
            return DestinationType.FILE;
        }
    }

    /**
     * An HTTP endpoint that receives the export as one request body, or its records in batches.
     *
     * @param url            target URL; path placeholders and {@code ${env:...}} / {@code ${file:...}} allowed
     * @param method         {@code POST} (default) or {@code PUT}
     * @param mode           the whole file per request (default), or batches of records (JSON and JSON Lines)
     * @param batchSize      records per request in {@link HttpMode#BATCHES} mode; default 1000
     * @param headers        extra request headers; values may hold placeholders and secret references
     * @param auth           authentication; {@link HttpAuth.None} by default
     * @param connectTimeout TCP connect timeout; default 10 s
     * @param readTimeout    how long to wait for the response once the request is sent; default 60 s
     * @param totalTimeout   the whole delivery, all retries and waits included; default 15 min
     * @param maxAttempts    attempts per request before the run fails; default 5
     * @param initialBackoff first retry delay, doubled per attempt with jitter; default 1 s
     * @param maxBackoff     longest retry delay (a longer {@code Retry-After} is honoured within the total
     *                       timeout); default 30 s
     * @param trustStore     a PKCS12 or JKS trust store for the server's certificate, or null for the JVM's
     * @param trustStorePassword the trust store's password, or null
     */
    record Http(String name, String ref, String url, String method, HttpMode mode, int batchSize,
                Map<String, String> headers, HttpAuth auth, Duration connectTimeout, Duration readTimeout,
                Duration totalTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                String trustStore, SecretValue trustStorePassword) implements DestinationSpec {

        public Http {
            headers = Map.copyOf(headers);
        }

        @Override
        public DestinationType type() {
            return DestinationType.HTTP;
        }
    }

    /**
     * A file in Azure Data Lake Storage Gen2 ({@code type = "adls"}) or Microsoft OneLake
     * ({@code type = "onelake"}, which speaks the same DFS API), uploaded under a temporary name beside the target
     * and renamed into place.
     *
     * @param type          {@link DestinationType#ADLS} or {@link DestinationType#ONELAKE}
     * @param account       the storage account ({@code onelake} for OneLake)
     * @param fileSystem    the file system (container); for OneLake the workspace (name or id)
     * @param item          OneLake only: the item, e.g. {@code Sales.Lakehouse}; null for ADLS
     * @param path          the file's path in the file system (ADLS) or under the item's {@code Files/}
     *                      (OneLake), with placeholders; no leading {@code /}
     * @param endpoint      the DFS service URL without a file system, e.g. {@code https://acct.dfs.core.windows.net}
     *                      or a private endpoint or test server; null for the public endpoint
     * @param auth          how to authenticate; {@link AzureAuth.DefaultChain} when not set
     * @param overwrite     whether an existing target may be replaced; null means the default (true for
     *                      {@code full} exports, false otherwise)
     * @param manifest      whether a manifest JSON file is written after the data file
     * @param manifestPath  the manifest's path (placeholders allowed), or null for the default
     *                      ({@code <target dir>/_manifests/<file name>.json})
     * @param blockSize     bytes per append request of a chunked upload; also the largest file sent in one append
     * @param maxConcurrency appends in flight at once for one file
     * @param retry         the SDK's retry policy
     */
    record Lake(String name, String ref, DestinationType type, String account, String fileSystem, String item,
                String path, String endpoint, AzureAuth auth, Boolean overwrite, boolean manifest,
                String manifestPath, long blockSize, int maxConcurrency, AzureRetry retry)
            implements DestinationSpec {

        /** The public OneLake DFS endpoint. */
        public static final String ONELAKE_ENDPOINT = "https://onelake.dfs.fabric.microsoft.com";

        /** The DFS service URL requests go to: {@link #endpoint()} or the public one for the account. */
        public String serviceEndpoint() {
            if (endpoint != null) {
                return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
            }
            return type == DestinationType.ONELAKE ? ONELAKE_ENDPOINT : "https://" + account + ".dfs.core.windows.net";
        }

        /**
         * Where a file of this destination is, as people write it: {@code abfss://<fs>@<host>/<path>} for an https
         * endpoint without a path, else {@code <endpoint>/<fs>/<path>}.
         *
         * @param objectPath the file's path in the file system, placeholders rendered
         */
        public String location(String objectPath) {
            String e = serviceEndpoint();
            return e.startsWith("https://") && e.indexOf('/', 8) < 0
                    ? "abfss://" + fileSystem + "@" + e.substring(8) + "/" + objectPath
                    : e + "/" + fileSystem + "/" + objectPath;
        }

        /** The file's path template within the file system: {@code path}, or {@code <item>/Files/<path>}. */
        public String objectPath() {
            return item == null ? path : item + "/Files/" + path;
        }

        /** The manifest's path template within the file system, or null when no manifest is written. */
        public String manifestObjectPath() {
            if (!manifest) {
                return null;
            }
            if (manifestPath != null) {
                return item == null ? manifestPath : item + "/Files/" + manifestPath;
            }
            String p = objectPath();
            int slash = p.lastIndexOf('/');
            return (slash < 0 ? "" : p.substring(0, slash + 1)) + "_manifests/" + p.substring(slash + 1) + ".json";
        }

        /** Whether an existing target is replaced, for a flow of the given export mode. */
        public boolean overwrites(ExportMode mode) {
            return overwrite != null ? overwrite : mode == ExportMode.FULL;
        }
    }

    /**
     * A message broker destination: an Azure Event Hub or a Service Bus queue or topic, which receives the export's
     * rows as messages, one per row or one per chunk of rows ({@link MessageShape}).
     */
    sealed interface Messaging extends DestinationSpec permits EventHub, ServiceBus {

        /** The namespace (the host is {@code <namespace>.servicebus.windows.net}). */
        String namespace();

        /** The entity messages go to: the event hub, queue or topic. */
        String entity();

        /** {@code host:port} that replaces the namespace's host (private endpoints, gateways), or null. */
        String endpoint();

        /** The credential; secrets are references. */
        AzureAuth auth();

        /** How rows become messages. */
        MessageShape messages();

        /**
         * The column whose value groups messages: the Event Hubs partition key, the Service Bus session id; null
         * when none.
         */
        String groupColumn();

        /** Tries per batch of messages before the run fails, the first included. */
        int maxAttempts();

        /** The delay before the second try, doubled per try. */
        Duration initialBackoff();

        /** The longest delay between tries. */
        Duration maxBackoff();

        /** The longest one batch may wait for the broker's acknowledgements. */
        Duration sendTimeout();

        /** The entity in words, e.g. {@code event hub 'orders' of namespace 'contoso'}. */
        String where();
    }

    /**
     * An Azure Event Hub ({@code type = "eventhub"}), reached over AMQP ({@code protocol = "amqp"}, the default, with
     * the Azure SDK) or through the namespace's Kafka endpoint ({@code protocol = "kafka"}).
     *
     * @param namespace    the Event Hubs namespace (the host is {@code <namespace>.servicebus.windows.net})
     * @param eventHub     the event hub (the Kafka topic)
     * @param protocol     how events are sent
     * @param endpoint     {@code host:port} that replaces the namespace's address: the Kafka endpoint (default
     *                     {@code <namespace>.servicebus.windows.net:9093}) or, over AMQP, a private endpoint or
     *                     gateway reached with TLS; null for the default
     * @param tls          Kafka only: whether the connection is encrypted (always, except against a local test broker)
     * @param auth         a connection string (both protocols), a service principal or the default chain (AMQP)
     * @param messages     how rows become events
     * @param partitionKey a column whose value is each event's partition key (the Kafka record key), or null
     * @param maxAttempts  tries per batch of events before the run fails
     * @param initialBackoff delay before the second try, doubled per try
     * @param maxBackoff   the longest delay between tries
     * @param sendTimeout  the longest one batch may wait for the broker's acknowledgements
     */
    record EventHub(String name, String ref, String namespace, String eventHub, EventHubProtocol protocol,
                    String endpoint, boolean tls, AzureAuth auth, MessageShape messages, String partitionKey,
                    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration sendTimeout)
            implements Messaging {

        @Override
        public DestinationType type() {
            return DestinationType.EVENTHUB;
        }

        @Override
        public String entity() {
            return eventHub;
        }

        @Override
        public String groupColumn() {
            return partitionKey;
        }

        /** {@code host:port} of the namespace's Kafka endpoint. */
        public String kafkaBootstrap() {
            return endpoint != null ? endpoint : namespace + ".servicebus.windows.net:9093";
        }

        @Override
        public String where() {
            String how = protocol == EventHubProtocol.KAFKA ? kafkaBootstrap()
                    : "AMQP" + (endpoint != null ? " at " + endpoint : "");
            return "event hub '" + eventHub + "' of namespace '" + namespace + "' (" + how + ")";
        }
    }

    /**
     * An Azure Service Bus queue or topic ({@code type = "servicebus"}), reached over AMQP with the Azure SDK. Each
     * message's MessageId is deterministic, so an entity with duplicate detection drops what an earlier attempt sent.
     *
     * @param namespace the Service Bus namespace (the host is {@code <namespace>.servicebus.windows.net})
     * @param queue     the queue, or null when {@code topic} is set
     * @param topic     the topic, or null when {@code queue} is set
     * @param endpoint  {@code host:port} of a private endpoint or gateway (TLS), or null
     * @param auth      a connection string, a service principal or the default chain
     * @param messages  how rows become messages
     * @param sessionId a column whose value is each message's session id (session-enabled entities), or null
     * @param maxAttempts  tries per batch of messages before the run fails
     * @param initialBackoff delay before the second try, doubled per try
     * @param maxBackoff   the longest delay between tries
     * @param sendTimeout  the longest one batch may wait for the broker's acknowledgements
     */
    record ServiceBus(String name, String ref, String namespace, String queue, String topic, String endpoint,
                      AzureAuth auth, MessageShape messages, String sessionId, int maxAttempts,
                      Duration initialBackoff, Duration maxBackoff, Duration sendTimeout) implements Messaging {

        @Override
        public DestinationType type() {
            return DestinationType.SERVICEBUS;
        }

        @Override
        public String entity() {
            return queue != null ? queue : topic;
        }

        @Override
        public String groupColumn() {
            return sessionId;
        }

        @Override
        public String where() {
            return (queue != null ? "queue '" : "topic '") + entity() + "' of Service Bus namespace '" + namespace
                    + "'" + (endpoint != null ? " (at " + endpoint + ")" : "");
        }
    }

    /** How an Event Hubs destination talks to the namespace. */
    enum EventHubProtocol implements TomlEnum {
        AMQP("amqp"), KAFKA("kafka");

        private final String toml;

        EventHubProtocol(String toml) {
            this.toml = toml;
        }

        @Override
        public String toml() {
            return toml;
        }
    }

    /**
     * How rows become messages (Event Hubs events, Service Bus messages).
     *
     * @param rowsPerMessage  1: one message per row, a JSON object; more: one message per chunk of up to this many
     *                        rows, a JSON array (json), JSON Lines (jsonl) or CSV records under the header line (csv),
     *                        as the flow's file is written
     * @param keyColumns      the columns whose values identify a row (its message id is derived from the flow, the
     *                        row's batch and these values); empty: the row's position in the export
     * @param properties      columns whose values become application properties (one message per row only)
     * @param maxMessageBytes the largest message, in bytes (Event Hubs 256 KB Basic, 1 MB Standard and above; Service
     *                        Bus 256 KB Standard); over AMQP the namespace's announced limit applies when smaller
     * @param maxBatchBytes   the most bytes sent before waiting for the broker's acknowledgements
     * @param deadLetterPath  a file under the export directory that rows too large for one message are appended to
     *                        (placeholders allowed); null: such a row fails the run
     */
    record MessageShape(int rowsPerMessage, java.util.List<String> keyColumns, java.util.List<String> properties,
                        long maxMessageBytes, long maxBatchBytes, String deadLetterPath) {
        public MessageShape {
            keyColumns = java.util.List.copyOf(keyColumns);
            properties = java.util.List.copyOf(properties);
        }
    }

    /**
     * How the Azure SDK retries a request: exponential backoff on timeouts, connection errors, 429 and 5xx.
     *
     * @param maxAttempts    tries per request, the first included
     * @param tryTimeout     the longest one try may take (an upload's append included)
     * @param initialBackoff the delay before the second try, doubled for each next one
     * @param maxBackoff     the longest delay between tries
     */
    record AzureRetry(int maxAttempts, Duration tryTimeout, Duration initialBackoff, Duration maxBackoff) {
    }

    /** How an HTTP destination sends an export. */
    enum HttpMode implements TomlEnum {
        WHOLE("whole"), BATCHES("batches");

        private final String toml;

        HttpMode(String toml) {
            this.toml = toml;
        }

        @Override
        public String toml() {
            return toml;
        }
    }

    /** How an HTTP destination authenticates; secrets are references. */
    sealed interface HttpAuth {
        /** No authentication. */
        record None() implements HttpAuth {
        }

        /** {@code Authorization: Bearer <token>}. */
        record Bearer(SecretValue token) implements HttpAuth {
        }

        /** {@code Authorization: Basic base64(username:password)}. */
        record Basic(String username, SecretValue password) implements HttpAuth {
        }

        /** An API key in a header of the given name. */
        record ApiKey(String header, SecretValue value) implements HttpAuth {
        }
    }
}
