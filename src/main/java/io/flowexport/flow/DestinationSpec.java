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
