package io.flowexport.destination.camel;

import io.flowexport.destination.Shipment;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.PathTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of the one message a {@code camel} destination receives per shipment. Camel's own
 * {@code CamelFileName} and {@code Content-Type} serve file-like components (file, ftp, sftp, and most object
 * stores); message brokers drop headers starting with {@code Camel}, so the file name also travels as
 * {@value #FILE_NAME}.
 */
public final class CamelMessages {

    /** The flow's id. */
    public static final String FLOW_ID = "FlowExportFlowId";
    /** The run that exported the file (for a re-sent pending delivery: the original run). */
    public static final String RUN_ID = "FlowExportRunId";
    /** The batch range as {@code 41..44}, {@code 41} or {@code -}. */
    public static final String BATCH_RANGE = "FlowExportBatchRange";
    /** The rendered file name, as {@code CamelFileName}, for components whose protocol drops Camel headers. */
    public static final String FILE_NAME = "FlowExportFileName";
    /** Rows in the file, as decimal text. */
    public static final String ROWS = "FlowExportRows";
    /**
     * The same on every retry and every re-send of the same batches: the first 32 hex characters of
     * SHA-256(flow id + "/" + destination name + "/" + idempotency scope + ":0"), as an {@code http} destination's
     * {@code Idempotency-Key} of a whole-file delivery.
     */
    public static final String IDEMPOTENCY_KEY = "FlowExportIdempotencyKey";
    /** Camel's file name header ({@code Exchange.FILE_NAME}). */
    public static final String CAMEL_FILE_NAME = "CamelFileName";
    /** The media type header ({@code Exchange.CONTENT_TYPE}). */
    public static final String CONTENT_TYPE = "Content-Type";

    private CamelMessages() {
    }

    /**
     * The media type of a staged file: {@code text/csv}, {@code application/json}, {@code application/x-ndjson}
     * (JSON Lines), {@code application/vnd.apache.parquet}, else {@code application/octet-stream}.
     */
    public static String contentType(FileFormat format, boolean jsonl) {
        if (format == null) {
            return "application/octet-stream";
        }
        return switch (format) {
            case CSV -> "text/csv";
            case JSON -> jsonl ? "application/x-ndjson" : "application/json";
            case PARQUET -> "application/vnd.apache.parquet";
        };
    }

    /** The extension of a staged file's default name: {@code .csv}, {@code .json}, {@code .jsonl}, {@code .parquet}. */
    public static String extension(FileFormat format, boolean jsonl) {
        return switch (format) {
            case CSV -> ".csv";
            case JSON -> jsonl ? ".jsonl" : ".json";
            case PARQUET -> ".parquet";
        };
    }

    /**
     * The placeholder values of a shipment: its own values, plus {@code flow_id} and {@code run_id} when they lack.
     */
    public static Map<String, String> values(Shipment s) {
        Map<String, String> values = new HashMap<>(s.values());
        values.putIfAbsent("flow_id", s.flowId());
        values.putIfAbsent("run_id", s.runId());
        return values;
    }

    /** The rendered file name: the spec's {@code file_name}, else {@code {flow_id}_{run_id}} plus the extension. */
    public static String fileName(CamelSpec spec, Shipment s) {
        String template = spec.fileName() != null ? spec.fileName()
                : CamelSpec.DEFAULT_FILE_NAME + extension(s.format(), s.jsonl());
        return new PathTemplate(template).render(values(s));
    }

    /** Every header of the message, in a stable order. */
    public static Map<String, Object> headers(CamelSpec spec, Shipment s) {
        String fileName = fileName(spec, s);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(CAMEL_FILE_NAME, fileName);
        h.put(CONTENT_TYPE, spec.contentType() != null ? spec.contentType() : contentType(s.format(), s.jsonl()));
        h.put(FLOW_ID, s.flowId());
        h.put(RUN_ID, s.runId());
        h.put(BATCH_RANGE, s.batchRange());
        h.put(FILE_NAME, fileName);
        h.put(ROWS, Long.toString(s.rows()));
        h.put(IDEMPOTENCY_KEY, idempotencyKey(s.flowId() + "/" + spec.name() + "/" + s.idempotencyScope()));
        return h;
    }

    /**
     * The headers for one component: {@link #headers} plus what its protocol needs to carry them.
     * {@code spring-rabbitmq}: the AMQP content type and message id (= the idempotency key) from
     * {@code CamelSpringRabbitmqContentType}/{@code MessageId}; {@code paho-mqtt5}: MQTT 5 content type and user
     * properties. Others carry the non-Camel headers as their protocol does (NATS and AMQP headers) or not at all.
     */
    public static Map<String, Object> headers(CamelSpec spec, Shipment s, String scheme) {
        Map<String, Object> h = headers(spec, s);
        if ("spring-rabbitmq".equals(scheme)) {
            h.put("CamelSpringRabbitmqContentType", h.get(CONTENT_TYPE));
            h.put("CamelSpringRabbitmqMessageId", h.get(IDEMPOTENCY_KEY));
        } else if ("paho-mqtt5".equals(scheme)) {
            h.put(Mqtt5Properties.HEADER, Mqtt5Properties.of(h));
        }
        return h;
    }

    /** The first 32 hex characters of SHA-256(base + ":0"), UTF-8: chunk 0 of a whole-file delivery. */
    static String idempotencyKey(String base) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((base + ":0").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
