package io.flowexport.destination.lake;

import static io.flowexport.destination.spi.Option.Type.BOOLEAN;
import static io.flowexport.destination.spi.Option.Type.DURATION;
import static io.flowexport.destination.spi.Option.Type.INTEGER;
import static io.flowexport.destination.spi.Option.Type.SIZE;
import static io.flowexport.destination.spi.Option.Type.STRING;
import static io.flowexport.destination.spi.Option.Type.TABLE;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureAuthParser;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import io.flowexport.destination.spi.Values;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.TomlView;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code adls} and {@code onelake} destination types (OneLake speaks the DFS API of ADLS Gen2): options, parsing
 * and description; {@link LakeConnector} uploads.
 */
public final class LakeProvider implements DestinationProvider<LakeSpec> {

    static final Option ACCOUNT_KEY = Option.required("account", STRING, "the storage account; 3-24 lower-case "
            + "letters and digits", "\"contosolake\"");
    static final Option FILE_SYSTEM_KEY = Option.required("file_system", STRING, "the file system (container); it "
            + "must exist", "\"exports\"");
    static final Option WORKSPACE = Option.required("workspace", STRING, "the Fabric workspace (name or id)",
            "\"Sales\"");
    static final Option ITEM = Option.required("item", STRING, "the Fabric item", "\"Sales.Lakehouse\"");
    static final Option PATH = Option.required("path", STRING, "the file's path in the file system, or under "
            + "<item>/Files/, with placeholders", "\"sales/orders/{ds}/orders_{batch_id}.json\"");
    static final Option URL = Option.optional("url", STRING, null, "abfss://... instead of the keys that say where "
            + "the file goes", "\"abfss://exports@contosolake.dfs.core.windows.net/sales/orders.parquet\"");
    static final Option ENDPOINT_ADLS = Option.optional("endpoint", STRING, null, "the DFS service URL",
            "\"https://contosolake.dfs.core.windows.net\"").shown("https://<account>.dfs.core.windows.net");
    static final Option ENDPOINT_ONELAKE = Option.optional("endpoint", STRING, null, "the DFS service URL",
            "\"https://onelake.dfs.fabric.microsoft.com\"").shown(LakeSpec.ONELAKE_ENDPOINT);
    static final Option AUTH = Option.optional("auth", TABLE, null, "shared_key, sas, service_principal or default",
            "{ type = \"sas\", token = \"${env:LAKE_SAS}\" }").shown("{ type = \"default\" }").asSecret();
    static final Option OVERWRITE = Option.optional("overwrite", BOOLEAN, null, "whether an existing target with "
            + "other content may be replaced", "true").shown("true for full exports, else false");
    static final Option MANIFEST = Option.optional("manifest", BOOLEAN, false, "write a manifest after the data "
            + "file", "true");
    static final Option MANIFEST_PATH = Option.optional("manifest_path", STRING, null, "where the manifest goes, "
            + "with placeholders", "\"_manifests/{batch_id}.json\"").shown("<target dir>/_manifests/<file name>.json");
    static final Option BLOCK_SIZE = Option.optional("block_size", SIZE, 8L << 20, "bytes per append request",
            "\"4MiB\"").shown("8MiB");
    static final Option MAX_CONCURRENCY = Option.optional("max_concurrency", INTEGER, 4, "appends of one file in "
            + "flight at once", "8");
    static final Option MAX_ATTEMPTS = Option.optional("max_attempts", INTEGER, 5, "tries per request", "3");
    static final Option TRY_TIMEOUT = Option.optional("try_timeout", DURATION, Duration.ofMinutes(2), "the longest "
            + "one try may take before it is retried", "\"5m\"");
    static final Option INITIAL_BACKOFF = Option.optional("initial_backoff", DURATION, Duration.ofSeconds(1),
            "delay before the second try, doubled per try", "\"500ms\"");
    static final Option MAX_BACKOFF = Option.optional("max_backoff", DURATION, Duration.ofSeconds(30),
            "the longest delay between tries", "\"1m\"");
    private static final List<Option> COMMON = List.of(PATH, URL, AUTH, OVERWRITE, MANIFEST,
            MANIFEST_PATH, BLOCK_SIZE, MAX_CONCURRENCY, MAX_ATTEMPTS, TRY_TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF);

    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern FILE_SYSTEM = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final Pattern ABFSS = Pattern.compile("abfss?://([^@/]+)@([^/]+)/(.+)");

    @Override
    public List<String> types() {
        return List.of(LakeSpec.ADLS, LakeSpec.ONELAKE);
    }

    @Override
    public Class<LakeSpec> specType() {
        return LakeSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        boolean onelake = type.equals(LakeSpec.ONELAKE);
        List<Option> out = new ArrayList<>(onelake ? List.of(WORKSPACE, ITEM, ENDPOINT_ONELAKE)
                : List.of(ACCOUNT_KEY, FILE_SYSTEM_KEY, ENDPOINT_ADLS));
        out.addAll(COMMON);
        return List.copyOf(out);
    }

    @Override
    public Connector<LakeSpec> connector(ConnectorContext context) {
        return new LakeConnector(context.camel(), context.secrets());
    }

    @Override
    public String fileTemplate(LakeSpec spec) {
        return spec.objectPath();
    }

    @Override
    public boolean templateAsWritten() {
        return false;
    }

    @Override
    public boolean storesFiles() {
        return true;
    }

    @Override
    public LakeSpec parse(String type, TomlView v, LakeSpec b, String name, String ref) {
        boolean onelake = type.equals(LakeSpec.ONELAKE);
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
                v.missing(onelake ? "workspace" : "file_system", "an " + type + " destination needs " + where);
            }
            if (onelake && item == null && !v.has("item")) {
                v.missing("item", "a onelake destination needs " + where);
            }
            if (path == null && !v.has("path")) {
                v.missing("path", "an " + type + " destination needs " + where);
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
        AzureAuthParser.Service service = onelake ? AzureAuthParser.Service.ONELAKE
                : AzureAuthParser.Service.STORAGE;
        AzureAuth auth = v.has("auth") ? AzureAuthParser.parse(v.table("auth"), type, service)
                : b != null ? b.auth() : new AzureAuth.DefaultChain(null, null);
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
        Long blockSize = Values.size(v, BLOCK_SIZE, b != null ? b.blockSize() : null);
        int concurrency = Values.bounded(v, MAX_CONCURRENCY, b != null ? b.maxConcurrency() : null, 64);
        AzureRetry r = b != null ? b.retry() : null;
        int attempts = Values.bounded(v, MAX_ATTEMPTS, r != null ? r.maxAttempts() : null, 100);
        Duration tryTimeout = Values.duration(v, TRY_TIMEOUT, r != null ? r.tryTimeout() : null);
        Duration initial = Values.duration(v, INITIAL_BACKOFF, r != null ? r.initialBackoff() : null);
        Duration max = Values.duration(v, MAX_BACKOFF, r != null ? r.maxBackoff() : null);
        if (account == null || fileSystem == null || onelake && item == null || path == null || auth == null
                || blockSize == null || tryTimeout == null || initial == null || max == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new LakeSpec(name, ref, type, account, fileSystem, item, path, endpoint, auth, overwrite,
                manifest, manifestPath, blockSize, concurrency, new AzureRetry(attempts, tryTimeout,
                initial, max));
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
                String masked = endpoint.replaceAll("//[^/@]*@", "//****@");
                v.problems().error(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + masked + "' is not "
                        + "an https:// service URL without query, e.g. https://myaccount.dfs.core.windows.net");
            } else if (scheme.equals("http") && !List.of("127.0.0.1", "localhost", "[::1]").contains(uri.getHost())) {
                v.problems().warning(v.pos("endpoint"), v.key("endpoint"), "endpoint '" + endpoint + "' is plain "
                        + "http: keys, tokens and data cross the network unencrypted; use https");
            }
        } catch (URISyntaxException e) {
            v.problems().error(v.pos("endpoint"), v.key("endpoint"), "invalid endpoint: " + e.getReason());
        }
    }

    @Override
    public String describe(LakeSpec l, Map<String, String> values) {
        StringBuilder sb = new StringBuilder(l.location(new PathTemplate(l.objectPath()).render(values)));
        sb.append(", auth ").append(AzureCredentials.describe(l.auth(), l.account()));
        sb.append(", overwrite ").append(l.overwrite() == null ? "default (true for full exports)" : l.overwrite());
        if (l.manifest()) {
            sb.append(", manifest ").append(new PathTemplate(l.manifestObjectPath()).render(values));
        }
        sb.append(", blocks of ").append(l.blockSize()).append(" bytes x").append(l.maxConcurrency());
        sb.append(", ").append(l.retry().maxAttempts()).append(" attempts, try timeout ")
                .append(Durations.format(l.retry().tryTimeout())).append(", backoff ")
                .append(Durations.format(l.retry().initialBackoff())).append("..")
                .append(Durations.format(l.retry().maxBackoff()));
        return sb.toString();
    }
}
