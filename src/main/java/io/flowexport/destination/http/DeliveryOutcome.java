package io.flowexport.destination.http;

/**
 * What a delivery achieved. Nothing in it is secret: messages and excerpts have secrets masked.
 *
 * @param ok                 true when every chunk was acknowledged (2xx)
 * @param chunksAcknowledged chunks acknowledged in total, those below {@link DeliveryRequest#startChunk()}
 *                           included: when the delivery failed, the {@code startChunk} to resume from; when ok,
 *                           the number of chunks in the file
 * @param requests           HTTP requests made by this delivery (every attempt counts)
 * @param attempts           attempts made for the last chunk worked on (0 when nothing was sent)
 * @param lastStatus         HTTP status of the last response, null when the last attempt got no response or no
 *                           request was made
 * @param bodyExcerpt        when the delivery failed on a non-2xx response: the first 1 KB of its body (1024 bytes,
 *                           decoded as UTF-8, lossy; secrets masked); null otherwise
 * @param error              null when ok; otherwise what went wrong, on which chunk, after how many attempts and
 *                           what happens or what to do next
 */
public record DeliveryOutcome(boolean ok, int chunksAcknowledged, int requests, int attempts, Integer lastStatus,
        String bodyExcerpt, String error) {
}
