package io.flowexport.destination.messaging;

import static io.flowexport.destination.spi.Option.Type.DURATION;
import static io.flowexport.destination.spi.Option.Type.INTEGER;
import static io.flowexport.destination.spi.Option.Type.LIST;
import static io.flowexport.destination.spi.Option.Type.SIZE;
import static io.flowexport.destination.spi.Option.Type.STRING;
import static io.flowexport.destination.spi.Option.Type.TABLE;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureAuthParser;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.spi.Option;
import io.flowexport.destination.spi.Values;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.Durations;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.TomlView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;

/**
 * The options both message destinations ({@code eventhub}, {@code servicebus}) share, how they are read, checked
 * and described. Each type's provider adds its own keys.
 */
public final class MessagingOptions {

    /** Application properties flow-export sets itself on every message. */
    public static final Set<String> MESSAGE_PROPERTIES = Set.of("flow_id", "run_id", "batch_id", "xt_record_type",
            "message_id", "row_count", "content_type");

    public static final Option NAMESPACE = Option.required("namespace", STRING, "the namespace (without "
            + ".servicebus.windows.net)", "\"contoso-events\"");
    public static final Option AUTH = Option.required("auth", TABLE, "connection_string, service_principal or "
            + "default", "{ type = \"connection_string\", value = \"${env:EVENTS}\" }").asSecret();
    public static final Option ENDPOINT = Option.optional("endpoint", STRING, null, "host:port of a private "
            + "endpoint, gateway or the Kafka endpoint", "\"gateway.contoso.com:5671\"").shown("the namespace");
    public static final Option ROWS_PER_MESSAGE = Option.optional("rows_per_message", INTEGER, 1, "1: one message "
            + "per row; more: up to this many rows per message", "100");
    public static final Option MESSAGE_KEY = Option.optional("message_key", LIST, null, "columns that identify a "
            + "row", "[\"order_id\"]");
    public static final Option PROPERTIES = Option.optional("properties", LIST, null, "columns whose values become "
            + "application properties", "[\"region\"]");
    public static final Option MAX_MESSAGE_SIZE = Option.optional("max_message_size", SIZE, 1L << 20, "the largest "
            + "message", "\"256KiB\"").shown("1MiB");
    public static final Option MAX_BATCH_SIZE = Option.optional("max_batch_size", SIZE, 1L << 20, "bytes sent "
            + "before waiting for the acknowledgements", "\"4MiB\"").shown("1MiB");
    public static final Option DEAD_LETTER_PATH = Option.optional("dead_letter_path", STRING, null, "a JSON Lines "
            + "file under the export directory for rows too large for one message", "\"dead/{batch_id}.jsonl\"");
    public static final Option MAX_ATTEMPTS = Option.optional("max_attempts", INTEGER, 5, "tries per batch", "3");
    public static final Option INITIAL_BACKOFF = Option.optional("initial_backoff", DURATION, Duration.ofSeconds(1),
            "delay before the second try, doubled per try", "\"500ms\"");
    public static final Option MAX_BACKOFF = Option.optional("max_backoff", DURATION, Duration.ofSeconds(30),
            "the longest delay between tries", "\"1m\"");
    public static final Option SEND_TIMEOUT = Option.optional("send_timeout", DURATION, Duration.ofMinutes(2),
            "the longest a batch may wait for its acknowledgements", "\"5m\"");
    /** The keys of both types. */
    public static final List<Option> OPTIONS = List.of(NAMESPACE, ENDPOINT, AUTH, ROWS_PER_MESSAGE, MESSAGE_KEY,
            PROPERTIES, MAX_MESSAGE_SIZE, MAX_BATCH_SIZE, DEAD_LETTER_PATH, MAX_ATTEMPTS, INITIAL_BACKOFF,
            MAX_BACKOFF, SEND_TIMEOUT);

    private static final Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]");
    private static final Pattern ENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

    private MessagingOptions() {
    }

    /** The keys of a type: {@link #OPTIONS} and the type's own. */
    public static List<Option> with(List<Option> own) {
        List<Option> out = new ArrayList<>(OPTIONS);
        out.addAll(own);
        return List.copyOf(out);
    }

    public static String namespace(TomlView v, MessagingSpec b, String type) {
        String namespace = v.has("namespace") ? v.string("namespace") : b != null ? b.namespace() : null;
        if (namespace == null && !v.has("namespace")) {
            v.missing("namespace", "an " + type + " destination needs namespace = \"<namespace>\" (the part "
                    + "before .servicebus.windows.net)");
        } else if (namespace != null && !NAMESPACE_NAME.matcher(namespace).matches()) {
            v.problems().error(v.pos("namespace"), v.key("namespace"), "invalid namespace '" + namespace + "'; 6 to 50 "
                    + "letters, digits and hyphens, starting with a letter (without .servicebus.windows.net)");
            namespace = null;
        }
        return namespace;
    }

    /** An entity name under key {@code k}, or the fallback when the key is absent; null when wrong (reported). */
    public static String entity(TomlView v, String k, String fallback, String what) {
        if (!v.has(k)) {
            return fallback;
        }
        String e = v.string(k);
        if (e != null && !ENTITY.matcher(e).matches()) {
            v.problems().error(v.pos(k), v.key(k), "invalid " + what + " name '" + e + "'; letters, digits, '.', "
                    + "'_' and '-'");
            return null;
        }
        return e;
    }

    public static String endpointHostPort(TomlView v, String fallback, String example) {
        String endpoint = v.has("endpoint") ? v.string("endpoint") : fallback;
        if (v.has("endpoint") && endpoint != null && !HOST_PORT.matcher(endpoint).matches()) {
            v.problems().error(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + endpoint + "' is not host:port ("
                    + example + ")");
            return null;
        }
        return endpoint;
    }

    public static AzureAuth auth(TomlView v, AzureAuth fallback, String type, boolean kafka) {
        AzureAuth auth = v.has("auth")
                ? AzureAuthParser.parse(v.table("auth"), type, AzureAuthParser.Service.MESSAGING) : fallback;
        if (auth == null && !v.has("auth")) {
            v.missing("auth", "set auth = { type = \"connection_string\", value = \"${env:NAME}\" }" + (kafka ? ""
                    : ", type = \"service_principal\" or type = \"default\""));
        } else if (auth != null && kafka && !(auth instanceof AzureAuth.ConnectionString)) {
            v.problems().error(v.pos("auth"), v.key("auth"), "the Kafka endpoint takes only a connection string: "
                    + "auth = { type = \"connection_string\", value = \"${env:NAME}\" }");
            auth = null;
        }
        return auth;
    }

    /**
     * The message shape and retry keys both messaging types share.
     *
     * @param shape    how rows become messages
     * @param attempts tries per batch
     * @param initial  delay before the second try
     * @param max      the longest delay
     * @param timeout  the longest a batch may wait for its acknowledgements
     */
    public record Common(MessageShape shape, int attempts, Duration initial, Duration max, Duration timeout) {
    }

    public static Common common(TomlView v, MessagingSpec b) {
        MessageShape m = b != null ? b.messages() : null;
        int perMessage = Values.bounded(v, ROWS_PER_MESSAGE, m != null ? m.rowsPerMessage() : null, 100_000);
        List<String> keys = v.has("message_key") ? columnList(v, "message_key")
                : m != null ? m.keyColumns() : List.of();
        List<String> props = v.has("properties") ? columnList(v, "properties")
                : m != null ? m.properties() : List.of();
        for (String p : props == null ? List.<String>of() : props) {
            if (MESSAGE_PROPERTIES.contains(p)) {
                v.problems().error(v.pos("properties"), v.key("properties"), "property '" + p + "' is set by "
                        + "flow-export itself (" + String.join(", ", new TreeSet<>(MESSAGE_PROPERTIES))
                        + "); remove it from properties");
            }
        }
        if (props != null && !props.isEmpty() && perMessage > 1 && v.has("properties")) {
            v.problems().warning(v.pos("properties"), v.key("properties"), "properties come from one row; with "
                    + "rows_per_message = " + perMessage + " a message holds several rows, so only flow_id, run_id, "
                    + "batch_id and row_count are set");
        }
        Long maxMessage = Values.size(v, MAX_MESSAGE_SIZE, m != null ? m.maxMessageBytes() : null);
        Long maxBatch = Values.size(v, MAX_BATCH_SIZE, m != null ? m.maxBatchBytes() : null);
        String deadLetter = v.has("dead_letter_path") ? v.string("dead_letter_path")
                : m != null ? m.deadLetterPath() : null;
        int attempts = Values.bounded(v, MAX_ATTEMPTS, b != null ? b.maxAttempts() : null, 100);
        Duration initial = Values.duration(v, INITIAL_BACKOFF, b != null ? b.initialBackoff() : null);
        Duration max = Values.duration(v, MAX_BACKOFF, b != null ? b.maxBackoff() : null);
        Duration timeout = Values.duration(v, SEND_TIMEOUT, b != null ? b.sendTimeout() : null);
        if (keys == null || props == null || maxMessage == null || maxBatch == null || initial == null || max == null
                || timeout == null) {
            return null;
        }
        return new Common(new MessageShape(perMessage, keys, props, maxMessage,
                Math.max(maxBatch, maxMessage), deadLetter), attempts, initial, max, timeout);
    }

    /** A list of column names: an array of strings, or one string; null when wrong (reported). */
    static List<String> columnList(TomlView v, String k) {
        Object raw = v.raw(k);
        if (raw instanceof String s) {
            v.string(k);
            return List.of(s);
        }
        TomlArray a = v.array(k, "an array of column names");
        if (a == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            SourcePosition at = v.elementPos(a, i);
            if (!(a.get(i) instanceof String s)) {
                v.problems().error(at, v.key(k), "expected column names (strings), found "
                        + TomlView.typeName(a.get(i)));
                return null;
            }
            if (v.tooLong(s, at, v.key(k))) {
                return null;
            }
            v.recordElement(k, s, at);
            out.add(s);
        }
        return out;
    }

    /** Files a message destination writes under the export directory: its dead letters. */
    public static Map<String, String> localFiles(MessagingSpec e) {
        return e.messages().deadLetterPath() == null ? Map.of()
                : Map.of("dead_letter_path", e.messages().deadLetterPath());
    }

    /** The columns a message destination names: message_key, properties and the group column's key. */
    public static Map<String, List<String>> namedColumns(MessagingSpec e) {
        Map<String, List<String>> named = new LinkedHashMap<>();
        named.put("message_key", e.messages().keyColumns());
        named.put("properties", e.messages().properties());
        if (e.groupColumn() != null) {
            named.put(e.groupKey(), List.of(e.groupColumn()));
        }
        return named;
    }

    /** Message destinations take JSON and CSV, not Parquet: why not, or null. */
    public static String refuses(MessagingSpec m, FileFormat format) {
        return format == FileFormat.PARQUET ? "an " + m.type() + " destination sends rows as "
                + "JSON or CSV, but this flow writes parquet; set format = \"json\" (exporter_config jsonl = true for "
                + "JSON Lines chunks) or \"csv\"" : null;
    }

    /**
     * The description of a message destination for plan and check.
     *
     * @param how        where and over what the messages go
     * @param groupLabel how the group column is named: {@code , partition key }, {@code , session id }
     */
    public static String describe(MessagingSpec e, String how, String groupLabel, Map<String, String> values) {
        MessageShape m = e.messages();
        String group = e.groupColumn() == null ? "" : groupLabel + e.groupColumn();
        return how + ", auth " + AzureCredentials.describe(e.auth(), null)
                + ", " + (m.rowsPerMessage() == 1 ? "one message per row" : "up to " + m.rowsPerMessage()
                + " rows per message") + (m.keyColumns().isEmpty() ? "" : ", ids from " + m.keyColumns()) + group
                + (m.properties().isEmpty() ? "" : ", properties " + m.properties()) + ", messages up to "
                + m.maxMessageBytes() + " bytes, batches up to " + m.maxBatchBytes() + " bytes"
                + (m.deadLetterPath() == null ? "" : ", too large rows to " + new PathTemplate(
                m.deadLetterPath()).render(values)) + ", " + e.maxAttempts() + " attempts, send timeout "
                + Durations.format(e.sendTimeout());
    }
}
