package io.flowexport.destination.lake;

import java.time.Duration;

/**
 * How the Azure SDK retries a request: exponential backoff on timeouts, connection errors, 429 and 5xx.
 *
 * @param maxAttempts    tries per request, the first included
 * @param tryTimeout     the longest one try may take (an upload's append included)
 * @param initialBackoff the delay before the second try, doubled for each next one
 * @param maxBackoff     the longest delay between tries
 */
public record AzureRetry(int maxAttempts, Duration tryTimeout, Duration initialBackoff, Duration maxBackoff) {
}
