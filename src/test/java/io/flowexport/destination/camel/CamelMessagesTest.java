package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.Shipment;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CamelMessagesTest {

    @ParameterizedTest
    @CsvSource({"CSV, false, text/csv, .csv", "JSON, false, application/json, .json",
        "JSON, true, application/x-ndjson, .jsonl", "PARQUET, false, application/vnd.apache.parquet, .parquet"})
    void contentTypeAndExtensionFollowTheFormat(FileFormat format, boolean jsonl, String type, String ext) {
        assertThat(CamelMessages.contentType(format, jsonl)).isEqualTo(type);
        assertThat(CamelMessages.extension(format, jsonl)).isEqualTo(ext);
    }

    @Test
    void headersCarryTheFileNameTheRunAndAStableIdempotencyKey() {
        Map<String, Object> h = CamelMessages.headers(CamelSpec.of("sink", "nats:x"), shipment("r7", "41..44"));
        assertThat(h).containsEntry("CamelFileName", "orders_r7.csv").containsEntry("Content-Type", "text/csv")
                .containsEntry("FlowExportFlowId", "orders").containsEntry("FlowExportRunId", "r7")
                .containsEntry("FlowExportBatchRange", "41..44").containsEntry("FlowExportFileName", "orders_r7.csv")
                .containsEntry("FlowExportRows", "3");
        // the http destination's key for the same flow, destination and scope (chunk 0)
        assertThat(h.get("FlowExportIdempotencyKey")).isEqualTo(CamelMessages.idempotencyKey("orders/sink/41..44"))
                .isEqualTo(CamelMessages.headers(CamelSpec.of("sink", "nats:y"), shipment("r8", "41..44"))
                        .get("FlowExportIdempotencyKey"));
        assertThat(((String) h.get("FlowExportIdempotencyKey"))).hasSize(32);
    }

    @Test
    void fileNameAndContentTypeCanBeConfigured() {
        CamelSpec spec = new CamelSpec("sink", null, "sftp://h/in", "{flow_id}/{ds}_{batch_id}.txt", "text/plain",
                1, java.time.Duration.ZERO, java.time.Duration.ZERO);
        Map<String, Object> h = CamelMessages.headers(spec, shipment("r7", "44"));
        assertThat(h).containsEntry("CamelFileName", "orders/2026-12-05_44.txt")
                .containsEntry("Content-Type", "text/plain");
    }

    static Shipment shipment(String run, String range) {
        return new Shipment("orders", run, Path.of("/nonexistent"), FileFormat.CSV, false,
                Map.of("batch_id", "44", "ds", "2026-12-05"), range, range, () -> false, "orders_ds",
                ExportMode.FULL, 3, 41L, 44L, List.of());
    }
}
