package io.flowexport.destination.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private final RetryPolicy policy = new RetryPolicy(new HttpSettings("http://h/x", "POST",
            HttpSettings.Mode.WHOLE, 1, Map.of(), new Auth.None(), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMinutes(1), 10, Duration.ofSeconds(1), Duration.ofSeconds(8), (Path) null, null));

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "2                             | PT2S",
        "' 0 '                         | PT0S",
        "Sat, 21 Nov 2026 10:00:07 GMT | PT7S",
        "Saturday, 21-Nov-26 10:00:07 GMT | PT7S",
        "Sat Nov 21 10:00:07 2026      | PT7S",
        "Sat, 21 Nov 2026 09:00:00 GMT | PT0S",
        "99999999999999999999          | PT8760H",
        "soon                          | null",
        "-5                            | null",
        "''                            | null"})
    void retryAfterIsSecondsOrAnHttpDate(String header, String expected) {
        assertThat(RetryPolicy.retryAfter(header, NOW)).isEqualTo(expected == null ? null : Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"1, 500, 1000", "2, 1000, 2000", "3, 2000, 4000", "4, 4000, 8000", "5, 4000, 8000", "40, 4000, 8000"})
    void backoffDoublesUpToTheCapWithJitter(int attempt, long minMillis, long maxMillis) {
        for (int i = 0; i < 200; i++) {
            RetryPolicy.Wait wait = policy.after(attempt, Reply.response(503, null, null, null, null), NOW);
            assertThat(wait.fromRetryAfter()).isFalse();
            assertThat(wait.delay().toMillis()).isBetween(minMillis, maxMillis);
        }
    }

    @Test
    void retryAfterWinsOverTheBackoff() {
        RetryPolicy.Wait wait = policy.after(1, Reply.response(429, null, "120", null, null), NOW);
        assertThat(wait).isEqualTo(new RetryPolicy.Wait(Duration.ofMinutes(2), true));
    }

    @ParameterizedTest
    @CsvSource({"408, true", "429, true", "500, true", "502, true", "503, true", "504, true", "400, false",
        "401, false", "404, false", "409, false", "413, false", "501, false", "302, false"})
    void retriedStatuses(int status, boolean retried) {
        assertThat(RetryPolicy.retryable(Reply.response(status, null, null, null, null))).isEqualTo(retried);
    }
}
