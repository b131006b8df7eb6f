package io.flowexport.destination.camel;

import io.flowexport.flow.DestinationSpec;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@code camel} destination as a flow describes it: any Camel endpoint URI that receives the staged export file
 * as one message. Immutable; holds secret references ({@code ${env:NAME}}, {@code ${file:/path}}) as written,
 * never their values, so {@link #toString()} is safe to print.
 *
 * @param name           the destination's name in the flow: delivery state, idempotency keys and logs use it
 * @param ref            the destination catalogue entry it was made from, or null when it is inline
 * @param uri            the endpoint URI with placeholders ({@code {flow_id}}, {@code {run_id}}, {@code {batch_id}},
 *                       {@code {ds}}, ... as in {@link io.flowexport.flow.PathTemplate}) and secret references in
 *                       option values or user info, e.g.
 *                       {@code sftp://exports@sftp.example.com:22/in?password=${env:SFTP_PASSWORD}}; checked by
 *                       {@link CamelUris#problems}
 * @param fileName       the {@code CamelFileName} header with placeholders, or null for {@link #DEFAULT_FILE_NAME}
 *                       followed by the format's extension ({@code .csv}, {@code .json}, {@code .jsonl},
 *                       {@code .parquet})
 * @param contentType    the {@code Content-Type} header, or null for the format's media type
 *                       ({@link CamelMessages#contentType})
 * @param maxAttempts    sends per delivery, &gt;= 1 (1 = no retry); the run core's pending-delivery replay comes on top
 * @param initialBackoff wait after the first failed send; doubled after each further failure
 * @param maxBackoff     longest wait between two sends; each wait is also cut by a random factor in [0.5, 1.0]
 */
public record CamelSpec(String name, String ref, String uri, String fileName, String contentType, int maxAttempts,
                        Duration initialBackoff, Duration maxBackoff) implements DestinationSpec {

    /** The type as TOML spells it. */
    public static final String TYPE = "camel";

    /** The file name when none is configured, before the format's extension. */
    public static final String DEFAULT_FILE_NAME = "{flow_id}_{run_id}";

    /** Sends per delivery when none is configured (as for {@code http} destinations). */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    /** The first wait when none is configured. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

    /** The longest wait when none is configured. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    /**
     * @throws NullPointerException     when name, uri, initialBackoff or maxBackoff is null
     * @throws IllegalArgumentException when maxAttempts &lt; 1, a backoff is negative, or initialBackoff exceeds
     *                                  maxBackoff
     */
    public CamelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1, not " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("initial_backoff (" + initialBackoff + ") must be between 0 and "
                    + "max_backoff (" + maxBackoff + ")");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * The endpoint URI and the file name, with their placeholders: what a run must render (a {@code {batch_id}}
     * in either needs a batch).
     */
    @Override
    public String template() {
        return fileName == null ? uri : uri + " " + fileName;
    }

    /** A destination with the default file name, content type and retry settings. */
    public static CamelSpec of(String name, String uri) {
        return new CamelSpec(name, null, uri, null, null, DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF);
    }

    /** The same destination with another retry policy (tests and overrides from a flow). */
    public CamelSpec withRetry(int attempts, Duration initial, Duration max) {
        return new CamelSpec(name, ref, uri, fileName, contentType, attempts, initial, max);
    }
}
