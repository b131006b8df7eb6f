package io.flowexport.destination.http;

import io.flowexport.destination.Pause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@link HttpDelivery#send}: the chunks of one file, each with its attempts and waits. Not reusable. */
final class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.destination");

    private final HttpSettings settings;
    private final DeliveryRequest request;
    private final HttpCall call;
    private final RetryPolicy retry;
    private final Redactor redactor;
    private final long deadline;
    private int acknowledged;
    private int requests;
    private int attempts;
    private Reply last;

    Delivery(HttpSettings settings, DeliveryRequest request, HttpCall call) {
        this.settings = settings;
        this.request = request;
        this.call = call;
        this.retry = new RetryPolicy(settings);
        this.redactor = new Redactor(settings);
        this.deadline = System.nanoTime() + settings.totalTimeout().toNanos();
    }

    DeliveryOutcome run() {
        if (settings.mode() == HttpSettings.Mode.BATCHES && !request.format().splitsIntoRecords()) {
            return failed("BATCHES mode splits JSON and JSON Lines files into records; a " + request.format()
                    + " file has no records to split: use WHOLE mode for " + request.label());
        }
        if (!Files.isReadable(request.file())) {
            return failed("the export file " + request.file() + " of " + request.label() + " cannot be read");
        }
        Endpoint endpoint;
        try {
            endpoint = call.endpoint(settings);
        } catch (SetupException e) {
            return failed(e.getMessage() + " (" + request.label() + ")");
        }
        try (ChunkSource source = ChunkSource.open(settings, request)) {
            while (acknowledged < request.startChunk() && source.skip()) {
                acknowledged++;
            }
            for (Chunk chunk = source.next(); chunk != null; chunk = source.next()) {
                String failure = deliver(endpoint, chunk);
                if (failure != null) {
                    return failed(failure);
                }
                acknowledged++;
            }
        } catch (IOException e) {
            int resume = Math.max(acknowledged, request.startChunk());
            return failed("the export file " + request.file() + " of " + request.label() + " cannot be read as "
                    + request.format() + " (" + e.getMessage() + "); the run fails and the next run re-sends from "
                    + "chunk " + resume);
        }
        return new DeliveryOutcome(true, acknowledged, requests, attempts, last == null ? null : last.status(),
                null, null);
    }

    /** Sends one chunk until it is acknowledged; returns null then, or the error message. */
    private String deliver(Endpoint endpoint, Chunk chunk) {
        attempts = 0;
        Map<String, String> headers = headers(chunk.index());
        while (true) {
            if (request.aborted().getAsBoolean()) {
                return ended(chunk, "aborted");
            }
            if (System.nanoTime() - deadline >= 0) {
                return ended(chunk, "totalTimeout (" + Texts.duration(settings.totalTimeout()) + ") passed");
            }
            attempts++;
            requests++;
            last = call.execute(endpoint, settings.method(), settings.url(), headers, chunk.body());
            if (last.acknowledged()) {
                return null;
            }
            if (!RetryPolicy.retryable(last)) {
                String advice = advice();
                return failure(chunk, advice == null ? "not retried" : "not retried: " + advice);
            }
            if (attempts >= settings.maxAttempts()) {
                return failure(chunk, null);
            }
            RetryPolicy.Wait wait = retry.after(attempts, last, Instant.now());
            String source = wait.fromRetryAfter() ? "Retry-After" : "backoff";
            if (System.nanoTime() + wait.delay().toNanos() - deadline > 0) {
                return failure(chunk, "the next attempt in " + Texts.duration(wait.delay()) + " (" + source
                        + ") would pass totalTimeout (" + Texts.duration(settings.totalTimeout())
                        + "), so it is not made");
            }
            LOG.warn("{}: {} attempt {}/{} failed ({}); retrying in {} ({})", request.label(), chunk.describe(),
                    attempts, settings.maxAttempts(), redactor.mask(what()), Texts.duration(wait.delay()), source);
            if (!Pause.pause(wait.delay(), request.aborted())) {
                return ended(chunk, "aborted while waiting to retry");
            }
        }
    }

    /** The request headers of a chunk: Idempotency-Key, run headers, configured headers, auth. */
    private Map<String, String> headers(int chunk) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Headers.IDEMPOTENCY_KEY, idempotencyKey(request.idempotencyBase(), chunk));
        headers.putAll(request.runHeaders());
        headers.putAll(settings.headers());
        headers.putAll(Headers.of(settings.auth()));
        return headers;
    }

    /** The first 32 hex characters of SHA-256(base + ":" + chunk), UTF-8. */
    static String idempotencyKey(String base, int chunk) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((base + ":" + chunk).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code HTTP 503 on chunk 3 (records 7-9) of <label> after 5 attempts (last: Service Unavailable)...}. */
    private String failure(Chunk chunk, String note) {
        String what = last.status() != null ? "HTTP " + last.status() : Problem.of(last.failure()).what();
        String lastPart = last.status() != null ? last.reason() : Problem.of(last.failure()).detail();
        return what + " on " + chunk.describe() + " of " + request.label() + " after " + Texts.attempts(attempts)
                + " (last: " + lastPart + ")" + (note == null ? "" : ": " + note);
    }

    /** The delivery stopped for a reason of its own (abort, deadline) rather than the server's. */
    private String ended(Chunk chunk, String why) {
        return why + " on " + chunk.describe() + " of " + request.label() + " after " + Texts.attempts(attempts)
                + (attempts == 0 ? "" : " (last: " + what() + ")");
    }

    /** What the last attempt got: {@code HTTP 503 Service Unavailable} or {@code connection refused (...)}. */
    private String what() {
        if (last.status() != null) {
            return last.statusLine();
        }
        Problem p = Problem.of(last.failure());
        return p.what() + " (" + p.detail() + ")";
    }

    /** What to do about a reply that is not retried; null when there is nothing to say. */
    private String advice() {
        if (last.status() == null) {
            return Problem.of(last.failure()).advice();
        }
        int status = last.status();
        if (status == 401 || status == 403) {
            return "the server refused the credentials (" + Headers.describe(settings.auth()) + "): "
                    + Headers.advice(settings.auth());
        }
        if (status >= 300 && status < 400) {
            return "redirects are not followed" + (last.location() == null ? "" : " (Location: " + last.location()
                    + ")") + ": set url to the final address";
        }
        if (status == 413) {
            return "the body is too large for the server: use BATCHES mode or a smaller batchSize";
        }
        return "the server rejected the request, see the response excerpt";
    }

    private DeliveryOutcome failed(String error) {
        boolean response = last != null && last.status() != null;
        String excerpt = response && !last.acknowledged() ? redactor.mask(last.excerpt()) : null;
        // chunks below startChunk stay acknowledged even when this delivery failed before passing them
        return new DeliveryOutcome(false, Math.max(acknowledged, request.startChunk()), requests, attempts,
                response ? last.status() : null, excerpt, redactor.mask(error));
    }
}
