package io.flowexport.destination.http;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One delivery: which staged file, in which format, with which run headers, and from which chunk on.
 *
 * @param file            the staged export file; read, never modified
 * @param format          its format; {@link HttpSettings.Mode#BATCHES} needs {@link BodyFormat#JSON} or
 *                        {@link BodyFormat#JSONL}
 * @param runHeaders      headers added to every request, e.g. {@code X-FlowExport-Flow}, {@code X-FlowExport-Run},
 *                        {@code X-FlowExport-Batch-Range}; every name must start with {@code X-FlowExport-}
 * @param idempotencyBase chunk {@code i} is sent with {@code Idempotency-Key} = the first 32 hex characters of the
 *                        SHA-256 of {@code idempotencyBase + ":" + i} (UTF-8); WHOLE mode sends chunk 0. The same
 *                        base and chunk give the same key on every attempt and in every re-run
 * @param startChunk      resume point, &gt;= 0: chunks below it were acknowledged by an earlier delivery and are
 *                        not sent again
 * @param label           names the delivery in log lines and messages, e.g.
 *                        {@code flow 'orders' destination 'ingest'}
 * @param aborted         checked before each attempt and at least every 100 ms while waiting; true stops the
 *                        delivery at once. A request already in flight is not interrupted. Null means never
 * @throws IllegalArgumentException when a run header is invalid or lacks the prefix, or startChunk &lt; 0
 * @throws NullPointerException     when file, format, runHeaders, idempotencyBase or label is null
 */
public record DeliveryRequest(Path file, BodyFormat format, java.util.Map<String, String> runHeaders,
        String idempotencyBase, int startChunk, String label, BooleanSupplier aborted) {

    public DeliveryRequest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(idempotencyBase, "idempotencyBase");
        Objects.requireNonNull(label, "label");
        runHeaders = Headers.copy("run header", Objects.requireNonNull(runHeaders, "runHeaders"));
        runHeaders.keySet().forEach(name -> {
            if (!name.regionMatches(true, 0, Headers.RUN_PREFIX, 0, Headers.RUN_PREFIX.length())) {
                throw new IllegalArgumentException("run header " + name + " must start with " + Headers.RUN_PREFIX);
            }
        });
        if (startChunk < 0) {
            throw new IllegalArgumentException("startChunk must be >= 0, not " + startChunk);
        }
        if (aborted == null) {
            aborted = () -> false;
        }
    }
}
