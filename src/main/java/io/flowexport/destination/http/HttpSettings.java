package io.flowexport.destination.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What to send and how, for one HTTP destination. Secrets (header values, auth, trust store password) are already
 * resolved from their references: {@link #toString()} masks them, and no message of this package prints them.
 *
 * @param url                absolute {@code http} or {@code https} URL, placeholders already rendered; sent as
 *                           given (query included); must not carry user info ({@code user:password@}), which
 *                           HTTP clients no longer send: configure {@link Auth.Basic} instead
 * @param method             {@code POST} or {@code PUT} (any case; stored upper case)
 * @param mode               {@link Mode#WHOLE} or {@link Mode#BATCHES}
 * @param batchSize          records per request in {@link Mode#BATCHES} mode, &gt; 0; ignored in WHOLE mode. One
 *                           batch body is held in memory while it is sent and retried (about 2-3 times its size
 *                           at its peak), so batchSize times the record size must fit the heap comfortably
 * @param headers            extra headers, already rendered; values may be secret. Must not name a header
 *                           flow-export sets (Content-Type, Content-Length, Idempotency-Key, Host, X-FlowExport-*,
 *                           the auth header, ...)
 * @param auth               the credentials; {@link Auth.None} for none
 * @param connectTimeout     max time to open a connection, TLS handshake included; &gt; 0
 * @param readTimeout        max wait for the response after sending (and between two packets of it); &gt; 0
 * @param totalTimeout       bound for a whole delivery, all chunks, retries and waits included; &gt; 0. A request
 *                           already in flight when it passes finishes first (bounded by the two timeouts above)
 * @param maxAttempts        attempts per chunk, &gt;= 1
 * @param initialBackoff     wait after the first failed attempt, before jitter; &gt;= 0
 * @param maxBackoff         cap of the doubling wait, before jitter; &gt;= initialBackoff
 * @param trustStore         PKCS12 ({@code .p12}, {@code .pfx}, anything else) or JKS ({@code .jks}) file of
 *                           trusted certificates for {@code https} URLs; null = the JVM's default trust store
 * @param trustStorePassword password of the trust store; may be null (PKCS12 trust stores are then read without an
 *                           integrity check)
 * @throws IllegalArgumentException when a value breaks one of the rules above; the message names the setting and
 *                                  never a secret value
 * @throws NullPointerException     when a value other than trustStore or trustStorePassword is null
 */
public record HttpSettings(String url, String method, Mode mode, int batchSize, Map<String, String> headers,
        Auth auth, Duration connectTimeout, Duration readTimeout, Duration totalTimeout, int maxAttempts,
        Duration initialBackoff, Duration maxBackoff, Path trustStore, String trustStorePassword) {

    /** How the file goes out. */
    public enum Mode {
        /** The whole file is one request body (chunk 0), streamed from disk. */
        WHOLE,
        /** JSON or JSON Lines records, {@code batchSize} per request, chunks numbered 0.. in file order. */
        BATCHES
    }

    public HttpSettings {
        Objects.requireNonNull(url, "url");
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(auth, "auth");
        requireUrl(url);
        if (!method.equals("POST") && !method.equals("PUT")) {
            throw new IllegalArgumentException("method must be POST or PUT, not '" + method + "'");
        }
        if (mode == Mode.BATCHES && batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0 in BATCHES mode, not " + batchSize);
        }
        headers = Headers.copy("header", Objects.requireNonNull(headers, "headers"));
        String authHeader = Headers.nameOf(auth);
        headers.keySet().forEach(name -> {
            Headers.requireNotReserved(name);
            if (name.equalsIgnoreCase(authHeader)) {
                throw new IllegalArgumentException("header " + name + " is set by auth (" + Headers.describe(auth)
                        + "); configure it in one place");
            }
        });
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        requirePositive("totalTimeout", totalTimeout);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, not " + maxAttempts);
        }
        if (Objects.requireNonNull(initialBackoff, "initialBackoff").isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative");
        }
        if (Objects.requireNonNull(maxBackoff, "maxBackoff").compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
        }
    }

    /** True for an {@code https} URL. */
    boolean secure() {
        return url.regionMatches(true, 0, "https:", 0, 6);
    }

    /** The settings with header values, auth secrets and the trust store password masked as {@code ***}. */
    @Override
    public String toString() {
        String maskedHeaders = headers.keySet().stream().map(name -> name + "=***")
                .collect(Collectors.joining(", ", "{", "}"));
        return "HttpSettings[url=" + url + ", method=" + method + ", mode=" + mode + ", batchSize=" + batchSize
                + ", headers=" + maskedHeaders + ", auth=" + auth + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", totalTimeout=" + totalTimeout + ", maxAttempts=" + maxAttempts
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", trustStore=" + trustStore
                + ", trustStorePassword=" + (trustStorePassword == null ? null : "***") + "]";
    }

    private static void requireUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the reason says where, not what: the URL's user info may hold a password
            throw new IllegalArgumentException("url is not a valid URI (" + e.getReason() + " at index "
                    + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url must start with http:// or https://");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url carries user info (user:password@), which is not sent; "
                    + "configure basic auth instead");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("url has no host");
        }
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, not " + d);
        }
    }
}
