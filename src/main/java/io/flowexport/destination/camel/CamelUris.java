package io.flowexport.destination.camel;

import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.URISupport;

/**
 * The endpoint URI of a {@code camel} destination: what is wrong with one as written, how it is shown, and how its
 * secret references become values just before a send. Plain Java: no CamelContext is needed, so a flow parser can
 * report {@link #problems} at validation time.
 *
 * <p>A URI is {@code scheme:rest[?name=value&...]}. Option values that look like secrets
 * ({@link #isSecretOption}) must be references ({@code ${env:NAME}}, {@code ${file:/path}}, optionally inside Camel's
 * {@code RAW(...)}), so that no secret is written in a flow file and none is printed; a user info holds no password
 * ({@code sftp://user@host/dir?password=${env:NAME}}).
 */
public final class CamelUris {

    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(.*)", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    private static final Pattern ANY_DOLLAR_BRACE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern WHOLE_REFERENCE = Pattern.compile(
            "\\$\\{(env|file):[^}]+}|RAW\\(\\$\\{(env|file):[^}]+}\\)|RAW\\{\\$\\{(env|file):[^}]+}}");
    private static final Pattern USER_INFO = Pattern.compile("^//([^/@?]*)@");
    private static final List<String> SECRET_WORDS = List.of("password", "passphrase", "passwd", "passcode",
            "secret", "token", "credential", "signature", "jaas", "connectionstring", "accesskey", "secretkey",
            "apikey", "api_key", "accountkey", "sharedaccesskey", "authkey", "privatekey");
    // names that hold where a secret is (a file, a URL, an id), not the secret itself
    private static final List<String> NOT_SECRET_ENDINGS = List.of("file", "path", "uri", "url", "name", "id",
            "enabled", "type", "mechanism");

    private CamelUris() {
    }

    /**
     * Every problem with a URI as a flow writes it (placeholders and references unresolved), each a sentence that
     * names what is wrong and what to do: an empty URI, no component scheme, a query that cannot be parsed, a
     * placeholder that {@link PathTemplate#PLACEHOLDERS} does not know, a {@code ${...}} that is no
     * {@code env}/{@code file} reference, a literal secret in a secret-looking option or in the user info.
     *
     * @param uri the configured URI; null counts as empty
     * @return the problems in the order found; empty when the URI is fine
     */
    public static List<String> problems(String uri) {
        List<String> problems = new ArrayList<>();
        if (uri == null || uri.isBlank()) {
            problems.add("uri is empty; write a Camel endpoint URI such as "
                    + "sftp://user@host:22/dir?password=${env:SFTP_PASSWORD}");
            return problems;
        }
        if (!uri.equals(uri.strip())) {
            problems.add("uri has leading or trailing white space; remove it");
        }
        Matcher scheme = SCHEME.matcher(uri.strip());
        if (!scheme.matches() || scheme.group(2).isEmpty()) {
            problems.add("uri '" + shown(uri) + "' does not start with a Camel component name and a colon "
                    + "(e.g. sftp:, spring-rabbitmq:, paho-mqtt5:, nats:); write component:path?options");
            return problems;
        }
        PathTemplate template = new PathTemplate(uri);
        for (String p : new TreeSet<>(template.placeholders())) {
            if (!PathTemplate.PLACEHOLDERS.contains(p)) {
                problems.add("uri uses unknown placeholder {" + p + "}; known: "
                        + String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS))
                        + " (Camel property placeholders {{...}} are not resolved here)");
            }
        }
        Matcher dollar = ANY_DOLLAR_BRACE.matcher(uri);
        while (dollar.find()) {
            if (!REFERENCE.matcher(dollar.group()).matches()) {
                problems.add("uri has '" + dollar.group() + "', which is no secret reference; only ${env:NAME} and "
                        + "${file:/path} are resolved (Camel's simple language is not)");
            }
        }
        String rest = scheme.group(2);
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        Matcher userInfo = USER_INFO.matcher(path);
        if (userInfo.find()) {
            int colon = userInfo.group(1).indexOf(':');
            String password = colon < 0 ? "" : userInfo.group(1).substring(colon + 1);
            if (!password.isEmpty()) {
                problems.add("uri has a password in its user info" + (isReference(password) ? ""
                        : ", written in clear") + "; write user@host and give the password as an option with a "
                        + "reference, e.g. ?password=${env:NAME} or ?password=${file:/path} (a secret in the user "
                        + "info cannot be passed safely: its @, : or / would change the URI)");
            }
        }
        if (q >= 0) {
            problems.addAll(queryProblems(rest.substring(q + 1)));
        }
        if (problems.isEmpty()) {
            String sample = sample(uri);
            try {
                URISupport.normalizeUri(sample);
            } catch (URISyntaxException | RuntimeException e) {
                problems.add("uri '" + shown(uri) + "' is not a valid endpoint URI (" + shown(e.getMessage())
                        + "); percent-encode special characters or wrap an option value in RAW(...)");
            }
        }
        return problems;
    }

    private static List<String> queryProblems(String query) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> options;
        try {
            options = URISupport.parseQuery(query, true, true);
        } catch (URISyntaxException | RuntimeException e) {
            problems.add("uri options cannot be read (" + shown(e.getMessage()) + "); write name=value pairs "
                    + "joined by &, percent-encoded or in RAW(...)");
            return problems;
        }
        for (Map.Entry<String, Object> o : options.entrySet()) {
            if (o.getKey().isEmpty()) {
                problems.add("uri has an option without a name; write name=value");
                continue;
            }
            List<?> values = o.getValue() instanceof List<?> l ? l : List.of(String.valueOf(o.getValue()));
            for (Object v : values) {
                String value = v == null ? "" : String.valueOf(v);
                if (isSecretOption(o.getKey()) && !value.isEmpty() && !isReference(value)) {
                    problems.add("uri option '" + o.getKey() + "' holds a secret written in clear; write it as "
                            + o.getKey() + "=${env:NAME} (an environment variable of the runner) or "
                            + o.getKey() + "=${file:/path} (a file only the runner may read)");
                }
            }
        }
        return problems;
    }

    /**
     * True for an option name that normally holds a secret: names with password, passphrase, secret, token,
     * credential, signature, jaas, connection string or an access/api/account/private key in them; not those that
     * name where a secret is kept (ending in file, path, uri, url, name, id) nor, e.g., {@code routingKey} or
     * {@code saslMechanism}. Case is ignored.
     */
    public static boolean isSecretOption(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace(".", "");
        for (String ending : NOT_SECRET_ENDINGS) {
            if (n.endsWith(ending)) {
                return false;
            }
        }
        for (String word : SECRET_WORDS) {
            if (n.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isReference(String value) {
        return WHOLE_REFERENCE.matcher(value).matches();
    }

    /** The component name (the scheme) of a URI, lower case, or null when it has none. */
    public static String scheme(String uri) {
        if (uri == null) {
            return null;
        }
        Matcher m = SCHEME.matcher(uri.strip());
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /**
     * A URI safe to print: Camel's {@link URISupport#sanitizeUri} masks the values of secret-looking options and
     * the password of the user info (references included), then {@link Secrets#redact} masks any secret value
     * resolved so far that is still left.
     */
    public static String shown(String uri) {
        return Secrets.redact(URISupport.sanitizeUri(uri));
    }

    /**
     * Replaces each {@code ${env:NAME}} / {@code ${file:/path}} of a rendered URI by its value. In the query a value
     * goes into Camel's {@code RAW(...)} (or {@code RAW{...}} when it holds a {@code )}), so that {@code &},
     * {@code +}, {@code %} or {@code =} in a secret reach the component as written: Camel decodes percent-encoded
     * option values before it splits the options, so encoding would not do. A reference the flow already put
     * inside {@code RAW(...)} and one in the path go in verbatim. Each value is registered for
     * {@link Secrets#redact}.
     *
     * @param rendered the URI with placeholders already rendered
     * @throws Secrets.SecretException when a reference cannot be resolved, or a query value holds both {@code )}
     *                                 and {@code }}, which no Camel URI can carry; the message names the
     *                                 reference, never a value
     */
    public static String resolve(String rendered, Secrets secrets) {
        Matcher m = REFERENCE.matcher(rendered);
        int query = rendered.indexOf('?');
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = secrets.render(m.group());
            boolean raw = m.start() >= 4 && (rendered.startsWith("RAW(", m.start() - 4)
                    || rendered.startsWith("RAW{", m.start() - 4));
            String put = value;
            if (!raw && query >= 0 && m.start() > query) {
                if (!value.contains(")")) {
                    put = "RAW(" + value + ")";
                } else if (!value.contains("}")) {
                    put = "RAW{" + value + "}";
                } else {
                    throw new Secrets.SecretException("secret " + m.group() + " holds both ')' and '}', which a "
                            + "Camel endpoint URI cannot carry in an option; change the secret");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(put));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The URI with placeholders and references replaced by harmless sample text, to test its syntax. */
    private static String sample(String uri) {
        String noRefs = REFERENCE.matcher(uri).replaceAll("secret");
        return new PathTemplate(noRefs).render(Map.of("batch_id", "1", "ds", "2026-01-01", "ds_nodash", "20260101",
                "ts", "2026-01-01T00:00:00Z", "ts_nodash", "20260101T000000", "flow_id", "flow", "namespace", "ns",
                "run_id", "run"));
    }
}
