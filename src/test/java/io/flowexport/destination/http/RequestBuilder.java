package io.flowexport.destination.http;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Test requests: run headers for flow {@code orders}, run {@code run-42}, from chunk 0, never aborted. */
final class RequestBuilder {
    private final Path file;
    private final BodyFormat format;
    private final String idempotencyBase;
    private final String label;
    private int startChunk;
    private BooleanSupplier aborted = () -> false;

    RequestBuilder(Path file, BodyFormat format, String idempotencyBase, String label) {
        this.file = file;
        this.format = format;
        this.idempotencyBase = idempotencyBase;
        this.label = label;
    }

    RequestBuilder startChunk(int v) {
        startChunk = v;
        return this;
    }

    RequestBuilder aborted(BooleanSupplier v) {
        aborted = v;
        return this;
    }

    DeliveryRequest build() {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("X-FlowExport-Flow", "orders");
        run.put("X-FlowExport-Run", "run-42");
        run.put("X-FlowExport-Batch-Range", "1-2");
        return new DeliveryRequest(file, format, run, idempotencyBase, startChunk, label, aborted);
    }
}
