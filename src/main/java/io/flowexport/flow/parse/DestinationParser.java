package io.flowexport.flow.parse;

import io.flowexport.diag.Problems;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.AzureAuth;
import io.flowexport.flow.DestinationCatalog;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.DestinationSpec.HttpAuth;
import io.flowexport.flow.DestinationSpec.HttpMode;
import io.flowexport.flow.DestinationType;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.SecretValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads destinations: {@code file_path}, {@code [properties.export.destination]},
 * {@code [[properties.export.destinations]]}, and the files of the destination catalogue. A destination with
 * {@code ref = "<name>"} starts from that catalogue entry and overrides the keys it sets ({@code headers} are
 * merged per header). Secrets must be references ({@code ${env:NAME}}, {@code ${file:/path}}): a literal secret
 * is a warning, a malformed reference an error.
 */
public final class DestinationParser {

    static final Set<String> COMMON = Set.of("type", "name", "ref");
    static final Set<String> FILE_KEYS = Set.of("path");
    static final Set<String> HTTP_KEYS = Set.of("url", "method", "mode", "batch_size", "headers", "auth",
            "connect_timeout", "read_timeout", "total_timeout", "max_attempts", "initial_backoff", "max_backoff",
            "trust_store", "trust_store_password");
    static final Set<String> AUTH_KEYS = Set.of("type", "token", "username", "password", "header", "value");
    static final Set<String> LAKE_COMMON = Set.of("path", "url", "endpoint", "auth", "overwrite", "manifest",
            "manifest_path", "block_size", "max_concurrency", "max_attempts", "try_timeout", "initial_backoff",
            "max_backoff");
    static final Set<String> ADLS_KEYS = union(LAKE_COMMON, Set.of("account", "file_system"));
    static final Set<String> ONELAKE_KEYS = union(LAKE_COMMON, Set.of("workspace", "item"));
    static final Set<String> AZURE_AUTH_KEYS = Set.of("type", "account_key", "token", "tenant_id", "client_id",
            "client_secret", "authority_host", "managed_identity_client_id", "value");
    static final Set<String> MESSAGING_KEYS = Set.of("namespace", "endpoint", "auth", "rows_per_message",
            "message_key", "properties", "max_message_size", "max_batch_size", "dead_letter_path", "max_attempts",
            "initial_backoff", "max_backoff", "send_timeout");
    static final Set<String> EVENTHUB_KEYS = union(MESSAGING_KEYS, Set.of("event_hub", "protocol", "tls",
            "partition_key"));
    static final Set<String> SERVICEBUS_KEYS = union(MESSAGING_KEYS, Set.of("queue", "topic", "session_id"));
    /** Application properties flow-export sets itself on every message. */
    public static final Set<String> MESSAGE_PROPERTIES = Set.of("flow_id", "run_id", "batch_id", "xt_record_type",
            "message_id", "row_count", "content_type");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]");
    private static final Pattern ENTITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+:\\d{1,5}");

    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern FILE_SYSTEM = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern ABFSS = Pattern.compile("abfss?://([^@/]+)@([^/]+)/(.+)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

    private static final Pattern ANY_REF = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern GOOD_REF = Pattern.compile("(env:[A-Za-z_][A-Za-z0-9_]*|file:/[^}]+)");
    private static final Pattern RESERVED_HEADER = Pattern.compile(
            "(?i)(content-type|content-length|host|connection|idempotency-key|transfer-encoding|x-flowexport-.*)");
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)[?&]([^=&]*(key|token|secret|sig|code|password)[^=&]*)=([^&#]*)");

    private DestinationParser() {
    }

    /**
     * The destinations of {@code [properties.export]}: the file of {@code file_path} (named {@code file}) first,
     * then {@code destination} or each of {@code destinations}. Entries with errors are left out (reported).
     *
     * @param filePath {@code file_path}, or null
     */
    static List<ExportDraft.Target> parseExport(TomlView export, String filePath, DestinationCatalog catalogue) {
        List<ExportDraft.Target> out = new ArrayList<>();
        Map<String, Integer> used = new HashMap<>();
        Set<String> explicit = new HashSet<>();
        if (filePath != null) {
            out.add(new ExportDraft.Target(export.key("file_path"),
                    new DestinationSpec.File(name("file", used), null, filePath)));
        }
        if (export.has("destination") && export.has("destinations")) {
            export.problems().error(export.pos("destinations"), export.key("destinations"), "use either one "
                    + "[properties.export.destination] or [[properties.export.destinations]], not both");
            return out;
        }
        if (export.has("destination")) {
            TomlView v = export.table("destination");
            if (v != null) {
                add(out, v, one(v, catalogue, used, explicit));
            }
        } else if (export.has("destinations")) {
            TomlArray array = export.array("destinations", "an array of tables ([[properties.export.destinations]])");
            for (int i = 0; array != null && i < array.size(); i++) {
                String path = export.key("destinations") + "[" + (i + 1) + "]";
                SourcePosition at = export.elementPos(array, i);
                if (!(array.get(i) instanceof TomlTable t)) {
                    export.problems().error(at, path, "expected a table ([[properties.export.destinations]]), "
                            + "found " + TomlView.typeName(array.get(i)));
                    continue;
                }
                TomlView v = new TomlView(t, path, at, export.context());
                add(out, v, one(v, catalogue, used, explicit));
            }
        }
        return out;
    }

    /**
     * One entry of the destination catalogue: a file whose top-level keys are one destination's ({@code type}
     * and the type's keys; no {@code name} or {@code ref}).
     *
     * @param text     the file's text
     * @param name     the entry's name (the file name without extension)
     * @param problems receives every problem, with positions in the file
     * @return the destination, or null when the file has errors
     */
    public static DestinationSpec parseCatalogueEntry(String text, String name,
                                                      io.flowexport.diag.Problems problems) {
        LenientToml.Parsed parsed = LenientToml.parse(text);
        if (!FlowParser.syntax(parsed, text, problems) || !TomlLimits.check(parsed, problems)) {
            return null;
        }
        TomlView root = new TomlView(parsed.toml(), "", SourcePosition.START,
                new TomlView.Context(parsed, problems, text.split("\n", -1), new FlowPositions(), null));
        for (String k : List.of("name", "ref")) {
            if (root.has(k)) {
                problems.error(root.pos(k), k, "'" + k + "' is for destinations in flows; a catalogue entry is "
                        + "named by its file name ('" + name + "')");
            }
        }
        long before = problems.errorCount();
        DestinationSpec spec = build(root, null, name);
        return problems.errorCount() == before ? spec : null;
    }

    private static void add(List<ExportDraft.Target> out, TomlView v, DestinationSpec d) {
        if (d != null) {
            String k = d instanceof DestinationSpec.Http || v.has("url") ? "url" : "path";
            out.add(new ExportDraft.Target(v.has(k) ? v.key(k) : v.has("ref") ? v.key("ref") : v.path(), d));
        }
    }

    private static DestinationSpec one(TomlView v, DestinationCatalog catalogue, Map<String, Integer> used,
                                       Set<String> explicit) {
        DestinationSpec base = null;
        String ref = v.string("ref");
        if (ref != null) {
            base = catalogue == null ? null : catalogue.entries().get(ref);
            if (base == null) {
                String why = catalogue != null && catalogue.broken().containsKey(ref)
                        ? "catalogue entry '" + ref + "' (" + catalogue.broken().get(ref) + ") has errors; fix that file"
                        : "unknown destination '" + ref + "' in the catalogue" + Suggestions.hint(ref,
                                new TreeSet<>(catalogue == null ? Set.of() : catalogue.entries().keySet()),
                                "catalogue entries") + "; add destinations/" + ref + ".toml";
                v.problems().error(v.pos("ref"), v.key("ref"), why);
                return null;
            }
        }
        String name = v.string("name");
        if (name != null) {
            if (!FlowParser.ID.matcher(name).matches()) {
                v.problems().error(v.pos("name"), v.key("name"), "invalid destination name '" + name
                        + "'; use letters, digits, '_', '.' and '-'");
                return null;
            }
            if (!explicit.add(name) || used.containsKey(name)) {
                v.problems().error(v.pos("name"), v.key("name"), "two destinations are named '" + name
                        + "'; give each its own name");
                return null;
            }
            used.put(name, 1);
        }
        String fallback = ref != null ? ref : v.has("type") && v.raw("type") instanceof String t ? t : "destination";
        long before = v.problems().errorCount();
        DestinationSpec spec = build(v, base, name != null ? name : name(fallback, used));
        return v.problems().errorCount() == before ? spec : null;
    }

    /** {@code base}, or {@code base-2}, {@code base-3}... for the second and later unnamed destinations. */
    private static String name(String base, Map<String, Integer> used) {
        int n = used.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "-" + n;
    }

    private static DestinationSpec build(TomlView v, DestinationSpec base, String name) {
        DestinationType type;
        if (v.has("type")) {
            type = v.enumValue("type", DestinationType.class, "destination type");
            if (type == null) {
                return null;
            }
            if (base != null && type != base.type()) {
                v.problems().error(v.pos("type"), v.key("type"), "type = \"" + type.toml() + "\" but catalogue "
                        + "entry '" + v.raw("ref") + "' is of type \"" + base.type().toml() + "\"; remove type or ref");
                return null;
            }
        } else if (base != null) {
            type = base.type();
        } else {
            v.missing("type", "set type = \"file\", \"http\", \"adls\", \"onelake\", \"eventhub\" or "
                    + "\"servicebus\" (or ref = \"<catalogue entry>\")");
            return null;
        }
        String ref = base != null && v.raw("ref") instanceof String r ? r : null;
        return switch (type) {
            case FILE -> file(v, (DestinationSpec.File) base, name, ref);
            case HTTP -> http(v, (DestinationSpec.Http) base, name, ref);
            case ADLS, ONELAKE -> lake(v, (DestinationSpec.Lake) base, name, ref, type);
            case EVENTHUB -> eventHub(v, (DestinationSpec.EventHub) base, name, ref);
            case SERVICEBUS -> serviceBus(v, (DestinationSpec.ServiceBus) base, name, ref);
        };
    }

    private static DestinationSpec.File file(TomlView v, DestinationSpec.File base, String name, String ref) {
        v.checkKeys(union(COMMON, FILE_KEYS));
        String path = v.has("path") ? v.string("path") : base != null ? base.path() : null;
        if (path == null && !v.has("path")) {
            v.missing("path", "a file destination needs path = \"exports/<name>.csv\", relative to the export "
                    + "directory");
        }
        return path == null ? null : new DestinationSpec.File(name, ref, path);
    }

    private static DestinationSpec.Http http(TomlView v, DestinationSpec.Http b, String name, String ref) {
        v.checkKeys(union(COMMON, HTTP_KEYS));
        String url = v.has("url") ? v.string("url") : b != null ? b.url() : null;
        if (url == null && !v.has("url")) {
            v.missing("url", "an http destination needs url = \"https://host/path\"");
        }
        if (url != null) {
            url(v, url);
        }
        String method = b != null ? b.method() : "POST";
        if (v.has("method")) {
            String m = v.string("method");
            if (m != null && !m.equals("POST") && !m.equals("PUT")) {
                v.problems().error(v.pos("method"), v.key("method"), "unknown method '" + m + "'; known: POST, PUT");
            } else if (m != null) {
                method = m;
            }
        }
        HttpMode mode = v.has("mode") ? v.enumValue("mode", HttpMode.class, "http mode")
                : b != null ? b.mode() : HttpMode.WHOLE;
        int batchSize = positive(v, "batch_size", b != null ? b.batchSize() : 1000);
        Map<String, String> headers = new LinkedHashMap<>(b != null ? b.headers() : Map.of());
        TomlView h = v.table("headers");
        if (h != null) {
            for (String k : h.keys()) {
                String value = h.string(k);
                if (value != null) {
                    references(h, k, value);
                    if (RESERVED_HEADER.matcher(k).matches()) {
                        h.problems().error(h.pos(k), h.key(k), "header '" + k + "' is set by flow-export itself "
                                + "(Content-Type, Content-Length, Host, Connection, Idempotency-Key, X-FlowExport-*); "
                                + "remove it, or set authentication with auth = { ... }");
                    }
                    if (io.flowexport.flow.Secrets.isSecretHeader(k) && !io.flowexport.flow.Secrets.hasReference(value)) {
                        literal(h, k, "header '" + k + "'");
                    }
                    headers.put(k, value);
                }
            }
        }
        HttpAuth auth = v.has("auth") ? auth(v.table("auth")) : b != null ? b.auth() : new HttpAuth.None();
        Duration connect = duration(v, "connect_timeout", b != null ? b.connectTimeout() : Duration.ofSeconds(10));
        Duration read = duration(v, "read_timeout", b != null ? b.readTimeout() : Duration.ofSeconds(60));
        Duration total = duration(v, "total_timeout", b != null ? b.totalTimeout() : Duration.ofMinutes(15));
        int attempts = positive(v, "max_attempts", b != null ? b.maxAttempts() : 5);
        Duration initial = duration(v, "initial_backoff", b != null ? b.initialBackoff() : Duration.ofSeconds(1));
        Duration max = duration(v, "max_backoff", b != null ? b.maxBackoff() : Duration.ofSeconds(30));
        String trustStore = v.has("trust_store") ? v.string("trust_store") : b != null ? b.trustStore() : null;
        SecretValue trustPassword = v.has("trust_store_password") ? secret(v, "trust_store_password")
                : b != null ? b.trustStorePassword() : null;
        if (url == null || mode == null || auth == null || connect == null || read == null || total == null
                || initial == null || max == null) {
            return null;
        }
        return new DestinationSpec.Http(name, ref, url, method, mode, batchSize, headers, auth, connect, read, total,
                attempts, initial, max, trustStore, trustPassword);
    }

    private static DestinationSpec.Lake lake(TomlView v, DestinationSpec.Lake b, String name, String ref,
                                             DestinationType type) {
        boolean onelake = type == DestinationType.ONELAKE;
        v.checkKeys(union(COMMON, onelake ? ONELAKE_KEYS : ADLS_KEYS));
        String accountKey = onelake ? "workspace" : "account";
        String fsKey = onelake ? "item" : "file_system";
        String account = onelake ? "onelake" : b != null ? b.account() : null;
        String fileSystem = b != null ? b.fileSystem() : null;
        String item = b != null ? b.item() : null;
        String path = b != null ? b.path() : null;
        String endpoint = b != null ? b.endpoint() : null;
        if (v.has("url")) {
            for (String k : List.of(accountKey, fsKey, "path")) {
                if (v.has(k)) {
                    v.problems().error(v.pos(k), v.key(k), "'" + k + "' and 'url' both say where the file goes; "
                            + "keep one");
                }
            }
            String url = v.string("url");
            Matcher m = url == null ? null : ABFSS.matcher(url);
            if (m != null && !m.matches()) {
                v.problems().error(v.pos("url"), v.key("url"), "url '" + url + "' is not of the form abfss://"
                        + (onelake ? "<workspace>@onelake.dfs.fabric.microsoft.com/<item>/Files/<path>"
                        : "<file_system>@<account>.dfs.core.windows.net/<path>"));
                return null;
            } else if (m != null) {
                String host = m.group(2).toLowerCase(Locale.ROOT);
                int dot = host.indexOf('.');
                if (dot < 1 || !host.substring(dot).startsWith(".dfs.")) {
                    v.problems().error(v.pos("url"), v.key("url"), "host '" + host + "' in url is not a DFS "
                            + "endpoint (<account>.dfs.core.windows.net" + (onelake ? ", onelake.dfs.fabric.microsoft.com"
                            : "") + ")");
                    return null;
                }
                if (onelake) {
                    fileSystem = m.group(1);
                    int files = m.group(3).indexOf("/Files/");
                    if (files < 1) {
                        v.problems().error(v.pos("url"), v.key("url"), "a OneLake url needs <item>/Files/<path> after "
                                + "the host, e.g. abfss://Sales@onelake.dfs.fabric.microsoft.com/Sales.Lakehouse/"
                                + "Files/orders.csv; flow-export writes files, not Tables");
                        return null;
                    }
                    item = m.group(3).substring(0, files);
                    path = m.group(3).substring(files + "/Files/".length());
                } else {
                    account = host.substring(0, dot);
                    fileSystem = m.group(1);
                    path = m.group(3);
                }
                if (!v.has("endpoint") && !host.equals(onelake ? "onelake.dfs.fabric.microsoft.com"
                        : account + ".dfs.core.windows.net")) {
                    endpoint = "https://" + host;
                }
            }
        } else {
            if (!onelake && v.has("account")) {
                account = v.string("account");
            }
            if (v.has(onelake ? "workspace" : "file_system")) {
                fileSystem = v.string(onelake ? "workspace" : "file_system");
            }
            if (onelake && v.has("item")) {
                item = v.string("item");
            }
            if (v.has("path")) {
                path = v.string("path");
            }
            String where = onelake ? "workspace = \"Sales\", item = \"Sales.Lakehouse\", path = \"orders/orders_"
                    + "{batch_id}.parquet\" (under Files/)" : "account, file_system and path, or url = \"abfss://"
                    + "<file_system>@<account>.dfs.core.windows.net/<path>\"";
            if (!onelake && account == null && !v.has("account")) {
                v.missing("account", "an adls destination needs " + where);
            }
            if (fileSystem == null && !v.has(onelake ? "workspace" : "file_system")) {
                v.missing(onelake ? "workspace" : "file_system", "an " + type.toml() + " destination needs " + where);
            }
            if (onelake && item == null && !v.has("item")) {
                v.missing("item", "a onelake destination needs " + where);
            }
            if (path == null && !v.has("path")) {
                v.missing("path", "an " + type.toml() + " destination needs " + where);
            }
        }
        if (!onelake && account != null && !ACCOUNT.matcher(account).matches()) {
            v.problems().error(v.pos(v.has("url") ? "url" : "account"), v.key(v.has("url") ? "url" : "account"),
                    "invalid storage account name '" + account + "'; 3 to 24 lower-case letters and digits");
            account = null;
        }
        if (!onelake && fileSystem != null && !FILE_SYSTEM.matcher(fileSystem).matches()) {
            v.problems().error(v.pos(v.has("url") ? "url" : "file_system"), v.key(v.has("url") ? "url"
                    : "file_system"), "invalid file system name '" + fileSystem + "'; 3 to 63 lower-case letters, "
                    + "digits and single hyphens, starting and ending with a letter or digit");
            fileSystem = null;
        }
        String pathKey = v.has("url") ? "url" : "path";
        if (path != null && !lakePath(v, pathKey, path)) {
            path = null;
        }
        if (v.has("endpoint")) {
            endpoint = v.string("endpoint");
            if (endpoint != null) {
                endpoint(v, endpoint);
            }
        }
        AzureAuth auth = v.has("auth") ? azureAuth(v.table("auth"), type) : b != null ? b.auth()
                : new AzureAuth.DefaultChain(null, null);
        Boolean overwrite = b != null ? b.overwrite() : null;
        if (v.has("overwrite")) {
            overwrite = v.bool("overwrite");
        }
        boolean manifest = v.has("manifest") ? Boolean.TRUE.equals(v.bool("manifest")) : b != null && b.manifest();
        String manifestPath = v.has("manifest_path") ? v.string("manifest_path") : b != null ? b.manifestPath() : null;
        if (manifestPath != null && !lakePath(v, "manifest_path", manifestPath)) {
            manifestPath = null;
        }
        if (v.has("manifest_path") && !manifest) {
            v.problems().warning(v.pos("manifest_path"), v.key("manifest_path"), "manifest_path has no effect "
                    + "without manifest = true");
        }
        Long blockSize = size(v, "block_size", b != null ? b.blockSize() : 8L << 20);
        int concurrency = bounded(v, "max_concurrency", b != null ? b.maxConcurrency() : 4, 64);
        DestinationSpec.AzureRetry r = b != null ? b.retry() : new DestinationSpec.AzureRetry(5,
                Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(30));
        int attempts = bounded(v, "max_attempts", r.maxAttempts(), 100);
        Duration tryTimeout = duration(v, "try_timeout", r.tryTimeout());
        Duration initial = duration(v, "initial_backoff", r.initialBackoff());
        Duration max = duration(v, "max_backoff", r.maxBackoff());
        if (account == null || fileSystem == null || onelake && item == null || path == null || auth == null
                || blockSize == null || tryTimeout == null || initial == null || max == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new DestinationSpec.Lake(name, ref, type, account, fileSystem, item, path, endpoint, auth, overwrite,
                manifest, manifestPath, blockSize, concurrency, new DestinationSpec.AzureRetry(attempts, tryTimeout,
                initial, max));
    }

    private static DestinationSpec.EventHub eventHub(TomlView v, DestinationSpec.EventHub b, String name,
                                                     String ref) {
        v.checkKeys(union(COMMON, EVENTHUB_KEYS));
        String namespace = namespace(v, b, "eventhub");
        String hub = entity(v, "event_hub", b != null ? b.eventHub() : null, "event hub");
        if (hub == null && !v.has("event_hub") && b == null) {
            v.missing("event_hub", "an eventhub destination needs event_hub = \"<name>\"");
        }
        DestinationSpec.EventHubProtocol protocol = v.has("protocol")
                ? v.enumValue("protocol", DestinationSpec.EventHubProtocol.class, "protocol")
                : b != null ? b.protocol() : DestinationSpec.EventHubProtocol.AMQP;
        boolean kafka = protocol == DestinationSpec.EventHubProtocol.KAFKA;
        String endpoint = endpointHostPort(v, b != null ? b.endpoint() : null, kafka
                ? "the Kafka endpoint, e.g. mynamespace.servicebus.windows.net:9093"
                : "a private endpoint or gateway, e.g. gateway.contoso.com:5671");
        boolean tls = v.has("tls") ? !Boolean.FALSE.equals(v.bool("tls")) : b == null || b.tls();
        if (v.has("tls") && !kafka) {
            v.problems().error(v.pos("tls"), v.key("tls"), "tls is for protocol = \"kafka\"; AMQP always uses TLS, "
                    + "except against a local emulator named by UseDevelopmentEmulator=true in the connection string");
        } else if (v.has("tls") && !tls && endpoint != null && !endpoint.startsWith("127.0.0.1:")
                && !endpoint.startsWith("localhost:")) {
            v.problems().warning(v.pos("tls"), v.key("tls"), "tls = false sends the connection string and the "
                    + "events unencrypted; only for a local test broker");
        }
        AzureAuth auth = messagingAuth(v, b != null ? b.auth() : null, DestinationType.EVENTHUB, kafka);
        Common c = common(v, b);
        String partitionKey = v.has("partition_key") ? v.string("partition_key") : b != null ? b.partitionKey() : null;
        if (namespace == null || hub == null || protocol == null || auth == null || c == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new DestinationSpec.EventHub(name, ref, namespace, hub, protocol, endpoint, tls, auth, c.shape,
                partitionKey, c.attempts, c.initial, c.max, c.timeout);
    }

    private static DestinationSpec.ServiceBus serviceBus(TomlView v, DestinationSpec.ServiceBus b, String name,
                                                         String ref) {
        v.checkKeys(union(COMMON, SERVICEBUS_KEYS));
        String namespace = namespace(v, b, "servicebus");
        String queue = entity(v, "queue", null, "queue");
        String topic = entity(v, "topic", null, "topic");
        if (v.has("queue") && v.has("topic")) {
            v.problems().error(v.pos("topic"), v.key("topic"), "set queue or topic, not both");
            return null;
        }
        if (!v.has("queue") && !v.has("topic")) {
            if (b != null) {
                queue = b.queue();
                topic = b.topic();
            } else {
                v.missing("queue", "a servicebus destination needs queue = \"<name>\" or topic = \"<name>\"");
                return null;
            }
        }
        String endpoint = endpointHostPort(v, b != null ? b.endpoint() : null,
                "a private endpoint or gateway, e.g. gateway.contoso.com:5671");
        AzureAuth auth = messagingAuth(v, b != null ? b.auth() : null, DestinationType.SERVICEBUS, false);
        Common c = common(v, b);
        String session = v.has("session_id") ? v.string("session_id") : b != null ? b.sessionId() : null;
        if (namespace == null || queue == null && topic == null || auth == null || c == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new DestinationSpec.ServiceBus(name, ref, namespace, queue, topic, endpoint, auth, c.shape, session,
                c.attempts, c.initial, c.max, c.timeout);
    }

    private static String namespace(TomlView v, DestinationSpec.Messaging b, String type) {
        String namespace = v.has("namespace") ? v.string("namespace") : b != null ? b.namespace() : null;
        if (namespace == null && !v.has("namespace")) {
            v.missing("namespace", "an " + type + " destination needs namespace = \"<namespace>\" (the part "
                    + "before .servicebus.windows.net)");
        } else if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
            v.problems().error(v.pos("namespace"), v.key("namespace"), "invalid namespace '" + namespace + "'; 6 to 50 "
                    + "letters, digits and hyphens, starting with a letter (without .servicebus.windows.net)");
            namespace = null;
        }
        return namespace;
    }

    /** An entity name under key {@code k}, or the fallback when the key is absent; null when wrong (reported). */
    private static String entity(TomlView v, String k, String fallback, String what) {
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

    private static String endpointHostPort(TomlView v, String fallback, String example) {
        String endpoint = v.has("endpoint") ? v.string("endpoint") : fallback;
        if (v.has("endpoint") && endpoint != null && !HOST_PORT.matcher(endpoint).matches()) {
            v.problems().error(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + endpoint + "' is not host:port ("
                    + example + ")");
            return null;
        }
        return endpoint;
    }

    private static AzureAuth messagingAuth(TomlView v, AzureAuth fallback, DestinationType type, boolean kafka) {
        AzureAuth auth = v.has("auth") ? azureAuth(v.table("auth"), type) : fallback;
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

    /** The message shape and retry keys both messaging types share. */
    private record Common(DestinationSpec.MessageShape shape, int attempts, Duration initial, Duration max,
                          Duration timeout) {
    }

    private static Common common(TomlView v, DestinationSpec.Messaging b) {
        DestinationSpec.MessageShape m = b != null ? b.messages() : new DestinationSpec.MessageShape(1, List.of(),
                List.of(), 1L << 20, 1L << 20, null);
        int perMessage = bounded(v, "rows_per_message", m.rowsPerMessage(), 100_000);
        List<String> keys = v.has("message_key") ? columnList(v, "message_key") : m.keyColumns();
        List<String> props = v.has("properties") ? columnList(v, "properties") : m.properties();
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
        Long maxMessage = size(v, "max_message_size", m.maxMessageBytes());
        Long maxBatch = size(v, "max_batch_size", m.maxBatchBytes());
        String deadLetter = v.has("dead_letter_path") ? v.string("dead_letter_path") : m.deadLetterPath();
        int attempts = bounded(v, "max_attempts", b != null ? b.maxAttempts() : 5, 100);
        Duration initial = duration(v, "initial_backoff", b != null ? b.initialBackoff() : Duration.ofSeconds(1));
        Duration max = duration(v, "max_backoff", b != null ? b.maxBackoff() : Duration.ofSeconds(30));
        Duration timeout = duration(v, "send_timeout", b != null ? b.sendTimeout() : Duration.ofMinutes(2));
        if (keys == null || props == null || maxMessage == null || maxBatch == null || initial == null || max == null
                || timeout == null) {
            return null;
        }
        return new Common(new DestinationSpec.MessageShape(perMessage, keys, props, maxMessage,
                Math.max(maxBatch, maxMessage), deadLetter), attempts, initial, max, timeout);
    }

    /** A list of column names: an array of strings, or one string; null when wrong (reported). */
    private static List<String> columnList(TomlView v, String k) {
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
            v.context().positions().putElement(v.key(k), s, at);
            out.add(s);
        }
        return out;
    }

    /** Checks a path inside a file system: relative, no empty, {@code .} or {@code ..} segments, known placeholders. */
    private static boolean lakePath(TomlView v, String k, String path) {
        String why = null;
        if (path.isEmpty() || path.startsWith("/")) {
            why = "must be relative to the file system (no leading '/')";
        } else if (path.endsWith("/")) {
            why = "must name a file, not end with '/'";
        } else if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            why = "must not hold control characters or '\\'";
        } else if (java.util.Arrays.stream(path.split("/", -1)).anyMatch(seg -> seg.isEmpty() || seg.equals(".")
                || seg.equals(".."))) {
            why = "must not hold empty, '.' or '..' segments";
        }
        if (why != null) {
            v.problems().error(v.pos(k), v.key(k), "path '" + path + "' " + why);
            return false;
        }
        PathTemplate template = new PathTemplate(path);
        for (String p : template.placeholders()) {
            if (!PathTemplate.PLACEHOLDERS.contains(p)) {
                v.problems().error(v.pos(k), v.key(k), "unknown placeholder {" + p + "}; known: "
                        + String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS)));
                return false;
            }
        }
        List<Integer> stray = template.strayBraces();
        if (!stray.isEmpty()) {
            int at = stray.get(0);
            v.problems().error(v.pos(k), v.key(k), "path '" + path + "' has a '" + path.charAt(at) + "' at position "
                    + (at + 1) + " that belongs to no placeholder; write placeholders as {ds}, or remove the brace");
            return false;
        }
        return true;
    }

    private static void endpoint(TomlView v, String endpoint) {
        try {
            URI uri = new URI(endpoint);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
                v.problems().error(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + mask(endpoint) + "' is not "
                        + "an https:// service URL without query, e.g. https://myaccount.dfs.core.windows.net");
            } else if (scheme.equals("http") && !List.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
                v.problems().warning(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + endpoint + "' is plain "
                        + "http: keys, tokens and data cross the network unencrypted; use https");
            }
        } catch (URISyntaxException e) {
            v.problems().error(v.pos("endpoint"), v.key("endpoint"), "invalid endpoint: " + e.getReason());
        }
    }

    private static AzureAuth azureAuth(TomlView a, DestinationType type) {
        if (a == null) {
            return null;
        }
        a.checkKeys(AZURE_AUTH_KEYS);
        String t = a.string("type");
        if (t == null) {
            if (!a.has("type")) {
                a.missing("type", type.isMessaging() ? "set type = \"connection_string\", \"service_principal\" or "
                        + "\"default\"" : "set type = \"shared_key\", \"sas\", \"service_principal\" or \"default\"");
            }
            return null;
        }
        return switch (t) {
            case "connection_string" -> {
                only(a, Set.of("type", "value"));
                if (!type.isMessaging()) {
                    a.problems().error(a.pos("type"), a.key("type"), "a connection string is for Event Hubs and "
                            + "Service Bus; use type = \"shared_key\", \"sas\", \"service_principal\" or \"default\"");
                    yield null;
                }
                SecretValue cs = required(a, "value", "the connection string: value = \"${env:NAME}\"");
                yield cs == null ? null : new AzureAuth.ConnectionString(cs);
            }
            case "shared_key" -> {
                only(a, Set.of("type", "account_key"));
                if (!type.isLake()) {
                    a.problems().error(a.pos("type"), a.key("type"), "a storage account key is for adls; an "
                            + type.toml() + " destination takes type = \"connection_string\", \"service_principal\" "
                            + "or \"default\"");
                    yield null;
                }
                if (type == DestinationType.ONELAKE) {
                    a.problems().error(a.pos("type"), a.key("type"), "OneLake does not accept shared keys; use "
                            + "type = \"service_principal\", \"default\" or \"sas\"");
                    yield null;
                }
                SecretValue key = required(a, "account_key", "the storage account key: account_key = \"${env:NAME}\"");
                yield key == null ? null : new AzureAuth.SharedKey(key);
            }
            case "sas" -> {
                only(a, Set.of("type", "token"));
                if (type.isMessaging()) {
                    a.problems().error(a.pos("type"), a.key("type"), "an " + type.toml() + " destination takes a "
                            + "shared access policy as type = \"connection_string\" (its SAS tokens are made from it), "
                            + "or type = \"service_principal\" or \"default\"");
                    yield null;
                }
                SecretValue token = required(a, "token", "the SAS token: token = \"${env:NAME}\"");
                yield token == null ? null : new AzureAuth.Sas(token);
            }
            case "service_principal" -> {
                only(a, Set.of("type", "tenant_id", "client_id", "client_secret", "authority_host"));
                String tenant = requiredString(a, "tenant_id", "the directory (tenant) id");
                String client = requiredString(a, "client_id", "the application (client) id");
                SecretValue secret = required(a, "client_secret", "client_secret = \"${env:NAME}\"");
                String authority = a.has("authority_host") ? a.string("authority_host") : null;
                if (authority != null && !authority.startsWith("https://")) {
                    a.problems().error(a.pos("authority_host"), a.key("authority_host"), "authority_host must be an "
                            + "https:// URL, e.g. https://login.microsoftonline.us");
                    yield null;
                }
                yield tenant == null || client == null || secret == null ? null
                        : new AzureAuth.ServicePrincipal(tenant, client, secret, authority);
            }
            case "default" -> {
                only(a, Set.of("type", "managed_identity_client_id", "tenant_id"));
                yield new AzureAuth.DefaultChain(a.has("managed_identity_client_id")
                        ? a.string("managed_identity_client_id") : null, a.has("tenant_id") ? a.string("tenant_id")
                        : null);
            }
            default -> {
                a.problems().error(a.pos("type"), a.key("type"), "unknown auth type '" + t + "'; known: "
                        + (type.isMessaging() ? "connection_string, service_principal, default"
                        : "shared_key, sas, service_principal, default"));
                yield null;
            }
        };
    }

    private static String requiredString(TomlView a, String k, String what) {
        if (!a.has(k)) {
            a.missing(k, what + ": " + k + " = \"...\"");
            return null;
        }
        return a.string(k);
    }

    /** A byte size: an integer (bytes) or a string with a unit (KiB, MiB...); 1 KiB to 4000 MiB. */
    private static Long size(TomlView v, String k, long fallback) {
        if (!v.has(k)) {
            return fallback;
        }
        Object raw = v.raw(k);
        long bytes;
        if (raw instanceof Long l) {
            v.integer(k);
            bytes = l;
        } else {
            String s = v.string(k);
            if (s == null) {
                return null;
            }
            Matcher m = SIZE.matcher(s.trim());
            if (!m.matches()) {
                v.problems().error(v.pos(k), v.key(k), "invalid size '" + s + "'; write bytes or a number and a "
                        + "unit: 4MiB, 512KiB, 8MB");
                return null;
            }
            long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KB" -> 1000L;
                case "KiB" -> 1024L;
                case "MB" -> 1000_000L;
                case "MiB" -> 1L << 20;
                case "GB" -> 1000_000_000L;
                case "GiB" -> 1L << 30;
                default -> 1L;
            };
            bytes = Long.parseLong(m.group(1)) * unit;
        }
        if (bytes < 1024 || bytes > 4000L << 20) {
            v.problems().error(v.pos(k), v.key(k), k + " must be between 1KiB and 4000MiB, found " + bytes + " bytes");
            return null;
        }
        return bytes;
    }

    private static int bounded(TomlView v, String k, int fallback, int max) {
        if (!v.has(k)) {
            return fallback;
        }
        Long n = v.integer(k);
        if (n == null) {
            return fallback;
        }
        if (n < 1 || n > max) {
            v.problems().error(v.pos(k), v.key(k), k + " must be between 1 and " + max + ", found " + n);
            return fallback;
        }
        return n.intValue();
    }

    private static void url(TomlView v, String url) {
        references(v, "url", url);
        String sample = ANY_REF.matcher(url).replaceAll("x").replaceAll("\\{[^}]*}", "x");
        try {
            URI uri = new URI(sample);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                v.problems().error(v.pos("url"), v.key("url"), "url '" + mask(url) + "' is not an http:// or "
                        + "https:// URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                v.problems().error(v.pos("url"), v.key("url"), "url holds a user and password, which HTTP clients "
                        + "no longer send; remove them and use auth = { type = \"basic\", username = \"...\", "
                        + "password = \"${env:NAME}\" }");
            }
        } catch (URISyntaxException e) {
            v.problems().error(v.pos("url"), v.key("url"), "invalid url: " + e.getReason() + "; encode spaces and "
                    + "special characters");
        }
        Matcher q = SECRET_QUERY.matcher(url);
        while (q.find()) {
            if (!io.flowexport.flow.Secrets.hasReference(q.group(3))) {
                literal(v, "url", "query parameter '" + q.group(1) + "' in url");
            }
        }
        for (String p : new PathTemplate(url).placeholders()) {
            if (!PathTemplate.PLACEHOLDERS.contains(p)) {
                v.problems().error(v.pos("url"), v.key("url"), "unknown placeholder {" + p + "}; known: "
                        + String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS)));
            }
        }
    }

    /** A URL for messages: the user info and the values of secret-looking query parameters masked. */
    static String mask(String url) {
        return url.replaceAll("//[^/@]*@", "//****@");
    }

    private static HttpAuth auth(TomlView a) {
        if (a == null) {
            return null;
        }
        a.checkKeys(AUTH_KEYS);
        String type = a.string("type");
        if (type == null) {
            if (!a.has("type")) {
                a.missing("type", "set type = \"bearer\", \"basic\" or \"api_key\"");
            }
            return null;
        }
        return switch (type) {
            case "bearer" -> {
                only(a, Set.of("type", "token"));
                SecretValue token = required(a, "token", "a bearer token: token = \"${env:NAME}\"");
                yield token == null ? null : new HttpAuth.Bearer(token);
            }
            case "basic" -> {
                only(a, Set.of("type", "username", "password"));
                String user = a.string("username");
                if (user == null && !a.has("username")) {
                    a.missing("username", "basic authentication needs username = \"...\"");
                }
                SecretValue password = required(a, "password", "password = \"${env:NAME}\"");
                yield user == null || password == null ? null : new HttpAuth.Basic(user, password);
            }
            case "api_key" -> {
                only(a, Set.of("type", "header", "value"));
                String header = a.has("header") ? a.string("header") : "X-Api-Key";
                SecretValue value = required(a, "value", "the key: value = \"${env:NAME}\"");
                yield header == null || value == null ? null : new HttpAuth.ApiKey(header, value);
            }
            case "none" -> new HttpAuth.None();
            default -> {
                a.problems().error(a.pos("type"), a.key("type"), "unknown auth type '" + type
                        + "'; known: bearer, basic, api_key, none");
                yield null;
            }
        };
    }

    private static void only(TomlView a, Set<String> keys) {
        for (String k : a.keys()) {
            if (!keys.contains(k)) {
                a.problems().error(a.pos(k), a.key(k), "key '" + k + "' does not belong to auth type '"
                        + a.string("type") + "'; keys: " + String.join(", ", new TreeSet<>(keys)));
            }
        }
    }

    private static SecretValue required(TomlView a, String k, String what) {
        if (!a.has(k)) {
            a.missing(k, what);
            return null;
        }
        return secret(a, k);
    }

    private static SecretValue secret(TomlView v, String k) {
        String s = v.string(k);
        if (s == null) {
            return null;
        }
        boolean wellFormed = references(v, k, s);
        SecretValue secret = new SecretValue(s);
        if (wellFormed && !secret.isReference()) {
            literal(v, k, "'" + k + "'");
        }
        return secret;
    }

    private static void literal(TomlView v, String k, String what) {
        v.problems().warning(v.pos(k), v.key(k), what + " holds a secret in clear text; files end up in version "
                + "control and backups: write ${env:NAME} or ${file:/path/to/secret} instead");
    }

    /** Reports {@code ${...}} that is not {@code ${env:NAME}} or {@code ${file:/absolute/path}}. */
    private static boolean references(TomlView v, String k, String value) {
        Matcher m = ANY_REF.matcher(value);
        boolean ok = true;
        while (m.find()) {
            if (!GOOD_REF.matcher(m.group(1)).matches()) {
                ok = false;
                v.problems().error(v.pos(k), v.key(k), "invalid secret reference '${" + m.group(1) + "}'; write "
                        + "${env:NAME} (an environment variable) or ${file:/absolute/path} (a file's content)");
            }
        }
        return ok;
    }

    private static int positive(TomlView v, String k, int fallback) {
        return bounded(v, k, fallback, 1_000_000);
    }

    private static Duration duration(TomlView v, String k, Duration fallback) {
        if (!v.has(k)) {
            return fallback;
        }
        String s = v.string(k);
        if (s == null) {
            return null;
        }
        Duration d = Durations.parse(s).orElse(null);
        if (d == null || d.isZero()) {
            v.problems().error(v.pos(k), v.key(k), "invalid duration '" + s + "'; write a number greater than 0 "
                    + "and a unit: 500ms, 30s, 15m, 1h");
            return null;
        }
        return d;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }
}
