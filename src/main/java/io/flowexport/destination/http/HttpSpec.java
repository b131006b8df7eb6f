package io.flowexport.destination.http;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.time.Duration;
import java.util.Map;

/**
 * An HTTP endpoint that receives the export as one request body, or its records in batches ({@code type = "http"}).
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
public record HttpSpec(String name, String ref, String url, String method, HttpMode mode, int batchSize,
                       Map<String, String> headers, HttpAuth auth, Duration connectTimeout, Duration readTimeout,
                       Duration totalTimeout, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                       String trustStore, SecretValue trustStorePassword) implements DestinationSpec {

    /** The type's name in TOML. */
    public static final String TYPE = "http";

    public HttpSpec {
        headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String template() {
        return url;
    }

    /** The record's fields, with the values of secret headers written in clear masked (as {@code ****}). */
    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>();
        headers.forEach((k, v) -> shown.put(k, Secrets.isSecretHeader(k) && !Secrets.hasReference(v) ? "****" : v));
        return "HttpSpec[name=" + name + ", ref=" + ref + ", url=" + url + ", method=" + method + ", mode=" + mode
                + ", batchSize=" + batchSize + ", headers=" + shown + ", auth=" + auth + ", connectTimeout="
                + connectTimeout + ", readTimeout=" + readTimeout + ", totalTimeout=" + totalTimeout
                + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", trustStore=" + trustStore + ", trustStorePassword=" + trustStorePassword + "]";
    }
}
