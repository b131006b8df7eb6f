package io.flowexport.destination.http;

import static io.flowexport.destination.spi.Option.Type.DURATION;
import static io.flowexport.destination.spi.Option.Type.ENUM;
import static io.flowexport.destination.spi.Option.Type.INTEGER;
import static io.flowexport.destination.spi.Option.Type.STRING;
import static io.flowexport.destination.spi.Option.Type.TABLE;

import io.flowexport.destination.Describe;
import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import io.flowexport.destination.spi.Values;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import io.flowexport.flow.parse.TomlView;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code http} destination type: options, parsing and description; {@link HttpConnector} sends. */
public final class HttpProvider implements DestinationProvider<HttpSpec> {

    static final Option URL = Option.required("url", STRING, "http:// or https://; path placeholders and secret "
            + "references allowed", "\"https://api.example.org/v2/orders/{batch_id}\"");
    static final Option METHOD = Option.optional("method", STRING, "POST", "POST or PUT", "\"PUT\"");
    static final Option MODE = Option.optional("mode", ENUM, HttpMode.WHOLE, "whole: the file is one request "
            + "body; batches (JSON and JSON Lines only): batch_size records per request", "\"batches\"");
    static final Option BATCH_SIZE = Option.optional("batch_size", INTEGER, 1000, "records per request in batches "
            + "mode", "500");
    static final Option HEADERS = Option.optional("headers", TABLE, null, "extra headers; values may hold "
            + "placeholders and secret references", "{ Authorization = \"${env:API_AUTHORIZATION}\" }").asSecret();
    static final Option AUTH = Option.optional("auth", TABLE, null, "bearer, basic or api_key authentication",
            "{ type = \"bearer\", token = \"${env:API_TOKEN}\" }").asSecret();
    static final Option CONNECT_TIMEOUT = Option.optional("connect_timeout", DURATION, Duration.ofSeconds(10),
            "TCP connect", "\"5s\"");
    static final Option READ_TIMEOUT = Option.optional("read_timeout", DURATION, Duration.ofSeconds(60),
            "waiting for the response once the request is sent", "\"2m\"").shown("60s");
    static final Option TOTAL_TIMEOUT = Option.optional("total_timeout", DURATION, Duration.ofMinutes(15),
            "the whole delivery, retries and waits included", "\"1h\"");
    static final Option MAX_ATTEMPTS = Option.optional("max_attempts", INTEGER, 5, "attempts per request", "3");
    static final Option INITIAL_BACKOFF = Option.optional("initial_backoff", DURATION, Duration.ofSeconds(1),
            "retry delay, doubled per attempt, with jitter", "\"500ms\"");
    static final Option MAX_BACKOFF = Option.optional("max_backoff", DURATION, Duration.ofSeconds(30),
            "the longest retry delay", "\"1m\"");
    static final Option TRUST_STORE = Option.optional("trust_store", STRING, null, "a PKCS12 or JKS trust store "
            + "for a private CA", "\"/etc/flowexport/ca.p12\"").shown("the JVM's");
    static final Option TRUST_STORE_PASSWORD = Option.optional("trust_store_password", STRING, null, "the trust "
            + "store's password", "\"${env:TRUST_PASSWORD}\"").shown("the JVM's").asSecret();
    static final List<Option> OPTIONS = List.of(URL, METHOD, MODE, BATCH_SIZE, HEADERS, AUTH, CONNECT_TIMEOUT,
            READ_TIMEOUT, TOTAL_TIMEOUT, MAX_ATTEMPTS, INITIAL_BACKOFF, MAX_BACKOFF, TRUST_STORE,
            TRUST_STORE_PASSWORD);

    private static final Set<String> AUTH_KEYS = Set.of("type", "token", "username", "password", "header", "value");
    private static final Pattern ANY_REF = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern RESERVED_HEADER = Pattern.compile(
            "(?i)(content-type|content-length|host|connection|idempotency-key|transfer-encoding|x-flowexport-.*)");
    private static final Pattern SECRET_QUERY = Pattern.compile(
            "(?i)[?&]([^=&]*(key|token|secret|sig|code|password)[^=&]*)=([^&#]*)");

    @Override
    public List<String> types() {
        return List.of(HttpSpec.TYPE);
    }

    @Override
    public Class<HttpSpec> specType() {
        return HttpSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        return OPTIONS;
    }

    @Override
    public Connector<HttpSpec> connector(ConnectorContext context) {
        return new HttpConnector(context.camel(), context.secrets());
    }

    @Override
    public HttpSpec parse(String type, TomlView v, HttpSpec b, String name, String ref) {
        String url = v.has("url") ? v.string("url") : b != null ? b.url() : null;
        if (url == null && !v.has("url")) {
            v.missing("url", "an http destination needs url = \"https://host/path\"");
        }
        if (url != null) {
            url(v, url);
        }
        String method = b != null ? b.method() : METHOD.defaultAs(String.class);
        if (v.has("method")) {
            String m = v.string("method");
            if (m != null && !m.equals("POST") && !m.equals("PUT")) {
                v.problems().error(v.pos("method"), v.key("method"), "unknown method '" + m + "'; known: POST, PUT");
            } else if (m != null) {
                method = m;
            }
        }
        HttpMode mode = v.has("mode") ? v.enumValue("mode", HttpMode.class, "http mode")
                : b != null ? b.mode() : MODE.defaultAs(HttpMode.class);
        int batchSize = Values.bounded(v, BATCH_SIZE, b != null ? b.batchSize() : null, 1_000_000);
        Map<String, String> headers = new LinkedHashMap<>(b != null ? b.headers() : Map.of());
        TomlView h = v.table("headers");
        if (h != null) {
            for (String k : h.keys()) {
                String value = h.string(k);
                if (value != null) {
                    Values.references(h, k, value);
                    if (RESERVED_HEADER.matcher(k).matches()) {
                        h.problems().error(h.pos(k), h.key(k), "header '" + k + "' is set by flow-export itself "
                                + "(Content-Type, Content-Length, Host, Connection, Idempotency-Key, X-FlowExport-*); "
                                + "remove it, or set authentication with auth = { ... }");
                    }
                    if (Secrets.isSecretHeader(k) && !Secrets.hasReference(value)) {
                        Values.literal(h, k, "header '" + k + "'");
                    }
                    headers.put(k, value);
                }
            }
        }
        HttpAuth auth = v.has("auth") ? auth(v.table("auth")) : b != null ? b.auth() : new HttpAuth.None();
        Duration connect = Values.duration(v, CONNECT_TIMEOUT, b != null ? b.connectTimeout() : null);
        Duration read = Values.duration(v, READ_TIMEOUT, b != null ? b.readTimeout() : null);
        Duration total = Values.duration(v, TOTAL_TIMEOUT, b != null ? b.totalTimeout() : null);
        int attempts = Values.bounded(v, MAX_ATTEMPTS, b != null ? b.maxAttempts() : null, 1_000_000);
        Duration initial = Values.duration(v, INITIAL_BACKOFF, b != null ? b.initialBackoff() : null);
        Duration max = Values.duration(v, MAX_BACKOFF, b != null ? b.maxBackoff() : null);
        String trustStore = v.has("trust_store") ? v.string("trust_store") : b != null ? b.trustStore() : null;
        SecretValue trustPassword = Values.secret(v, TRUST_STORE_PASSWORD, b != null ? b.trustStorePassword() : null);
        if (url == null || mode == null || auth == null || connect == null || read == null || total == null
                || initial == null || max == null) {
            return null;
        }
        return new HttpSpec(name, ref, url, method, mode, batchSize, headers, auth, connect, read, total,
                attempts, initial, max, trustStore, trustPassword);
    }

    private static void url(TomlView v, String url) {
        Values.references(v, "url", url);
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
            if (!Secrets.hasReference(q.group(3))) {
                Values.literal(v, "url", "query parameter '" + q.group(1) + "' in url");
            }
        }
        for (String p : new PathTemplate(url).placeholders()) {
            if (!PathTemplate.PLACEHOLDERS.contains(p)) {
                v.problems().error(v.pos("url"), v.key("url"), "unknown placeholder {" + p + "}; known: "
                        + String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS)));
            }
        }
    }

    /** A URL for messages: the user info masked. */
    private static String mask(String url) {
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
                Values.only(a, Set.of("type", "token"));
                SecretValue token = Values.required(a, "token", "a bearer token: token = \"${env:NAME}\"");
                yield token == null ? null : new HttpAuth.Bearer(token);
            }
            case "basic" -> {
                Values.only(a, Set.of("type", "username", "password"));
                String user = a.string("username");
                if (user == null && !a.has("username")) {
                    a.missing("username", "basic authentication needs username = \"...\"");
                }
                SecretValue password = Values.required(a, "password", "password = \"${env:NAME}\"");
                yield user == null || password == null ? null : new HttpAuth.Basic(user, password);
            }
            case "api_key" -> {
                Values.only(a, Set.of("type", "header", "value"));
                String header = a.has("header") ? a.string("header") : "X-Api-Key";
                SecretValue value = Values.required(a, "value", "the key: value = \"${env:NAME}\"");
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

    @Override
    public String describe(HttpSpec h, Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        sb.append(h.method()).append(' ').append(Describe.url(new PathTemplate(h.url()).render(values)));
        sb.append(h.mode() == HttpMode.WHOLE ? " (the whole file per request)"
                : " (batches of " + h.batchSize() + " records per request)");
        sb.append(", auth ").append(describe(h.auth()));
        if (!h.headers().isEmpty()) {
            Map<String, String> shown = new TreeMap<>();
            h.headers().forEach((k, v) -> shown.put(k, Secrets.isSecretHeader(k)
                    && !Secrets.hasReference(v) ? "****" : v));
            sb.append(", headers ").append(shown);
        }
        sb.append(", timeouts connect ").append(Durations.format(h.connectTimeout()))
                .append(" read ").append(Durations.format(h.readTimeout()))
                .append(" total ").append(Durations.format(h.totalTimeout()));
        sb.append(", ").append(h.maxAttempts()).append(" attempts, backoff ")
                .append(Durations.format(h.initialBackoff())).append("..").append(Durations.format(h.maxBackoff()));
        sb.append(", trust store ").append(h.trustStore() == null ? "the JVM's" : h.trustStore());
        return sb.toString();
    }

    private static String describe(HttpAuth a) {
        if (a instanceof HttpAuth.Bearer b) {
            return "bearer token " + b.token().masked();
        } else if (a instanceof HttpAuth.Basic b) {
            return "basic user " + b.username() + " password " + b.password().masked();
        } else if (a instanceof HttpAuth.ApiKey k) {
            return "api key in header " + k.header() + " " + k.value().masked();
        }
        return "none";
    }
}
