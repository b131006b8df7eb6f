package io.flowexport.destination.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hc.client5.http.utils.DateUtils;

/** Which replies are worth another attempt, and how long to wait before it. */
final class RetryPolicy {

    /** Statuses that say "not now": timeouts, rate limits, an overloaded or restarting server or gateway. */
    private static final Set<Integer> RETRIED_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    /** Longest Retry-After taken literally (a year); longer values are clamped rather than overflowing. */
    private static final long MAX_RETRY_AFTER_SECONDS = 365L * 24 * 3600;

    private static final DateTimeFormatter ASCTIME_GMT = DateUtils.FORMATTER_ASCTIME.withZone(ZoneOffset.UTC);

    /**
     * The wait before the next attempt.
     *
     * @param delay          how long
     * @param fromRetryAfter true when the server's {@code Retry-After} set it, false for the computed backoff
     */
    record Wait(Duration delay, boolean fromRetryAfter) {
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;

    RetryPolicy(HttpSettings settings) {
        this.initialBackoff = settings.initialBackoff();
        this.maxBackoff = settings.maxBackoff();
    }

    /** True when a reply that is no acknowledgement may be followed by another attempt. */
    static boolean retryable(Reply reply) {
        if (reply.status() == null) {
            return Problem.of(reply.failure()).retryable();
        }
        return RETRIED_STATUSES.contains(reply.status());
    }

    /**
     * The wait after the given failed attempt: the reply's {@code Retry-After} when it has a valid one, otherwise
     * {@code initialBackoff * 2^(attempt-1)} capped at {@code maxBackoff}, times a random factor in [0.5, 1.0] so
     * that many deliveries hit by one outage do not come back in step.
     *
     * @param attempt the attempt that failed, from 1
     */
    Wait after(int attempt, Reply reply, Instant now) {
        Duration retryAfter = retryAfter(reply.retryAfter(), now);
        if (retryAfter != null) {
            return new Wait(retryAfter, true);
        }
        long cap = maxBackoff.toNanos();
        long base = initialBackoff.toNanos();
        for (int i = 1; i < attempt && base < cap; i++) {
            base *= 2;
        }
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return new Wait(Duration.ofNanos((long) (Math.min(base, cap) * jitter)), false);
    }

    /**
     * Parses {@code Retry-After}: delta-seconds, or an HTTP date (RFC 9110: IMF-fixdate, RFC 850 and asctime forms).
     *
     * @return the wait from now (zero for a date in the past), or null when the header is absent or malformed
     */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.chars().allMatch(Character::isDigit)) {
            return value.length() > 11 ? Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS)
                    : Duration.ofSeconds(Math.min(Long.parseLong(value), MAX_RETRY_AFTER_SECONDS));
        }
        Instant date = DateUtils.parseStandardDate(value);
        if (date == null) {
            // HttpClient's asctime format has no zone, so it never yields an instant; asctime is GMT (RFC 9110 5.6.7)
            date = DateUtils.parseDate(value, ASCTIME_GMT);
        }
        if (date == null) {
            return null;
        }
        Duration wait = Duration.between(now, date);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
