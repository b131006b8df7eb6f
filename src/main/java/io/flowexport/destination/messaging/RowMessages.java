package io.flowexport.destination.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.dataset.Dataset;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The messages of one export, read from its staged JSON, JSON Lines or CSV file one row at a time (never the whole
 * file): one message per row (the row's JSON object; for CSV the header line, when the flow writes one, and the
 * row's record) or per chunk of rows (a JSON array, JSON Lines when the flow writes JSON Lines, or CSV: the header
 * line and the chunk's records, as the flow's exporter_config writes them). A CSV row's fields are text: its key,
 * partition key and properties are the values as written. A chunk ends early where the partition key changes
 * (every message has one key) and where the next row would make it larger than the namespace's message limit.
 *
 * <p>Message ids are deterministic: 32 hex characters of SHA-256 over the flow id and, for a row with
 * {@code message_key} columns, the row's {@code xt_batch_id} (else the export's batch range) and key values; for a
 * row without them, the export's batch range (or run) and the row's position; for a chunk, the export's batch range
 * (or run) and the chunk's number. The same export gives the same ids on every run.
 *
 * <p>Application properties: {@code flow_id}, {@code run_id}, {@code batch_id} (the row's {@code xt_batch_id}, or
 * the chunk's {@code first..last}), {@code message_id}, {@code xt_record_type} (a row's, when the export has the
 * column), {@code row_count} (chunks), and the {@code properties} columns (one row per message only).
 *
 * <p>A row too large for one message is handed to {@link TooLarge} (a dead-letter file) or fails the delivery with
 * {@link TooLargeException}, which names the row's key.
 */
final class RowMessages implements Iterator<OutMessage>, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern WHOLE_NUMBER = java.util.regex.Pattern.compile("-?\\d{1,18}");

    /** Receives rows too large for one message; null means such a row fails the delivery. */
    interface TooLarge {
        void accept(ObjectNode row, String describe, long size, long limit) throws IOException;
    }

    /** A row that does not fit in one message and no dead-letter file was configured. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private final Shipment shipment;
    private final MessageShape shape;
    private final String partitionColumn;
    private final TooLarge tooLarge;
    private final MappingIterator<ObjectNode> json;
    private final CsvRecords csv;
    private final Charset charset;
    private final List<String> csvNames;
    /** The CSV header line (with its line end) in the body's encoding; empty without a header, and for JSON. */
    private final byte[] csvHeader;
    private Row pending;
    private OutMessage next;
    private long rowNumber;
    private long chunkNumber;

    /**
     * @param partitionColumn the column whose value is the partition key, or null
     * @param tooLarge        where rows too large for a message go, or null to fail
     * @throws IOException when the staged file cannot be opened
     */
    RowMessages(Shipment shipment, MessageShape shape, String partitionColumn, TooLarge tooLarge)
            throws IOException {
        this.shipment = shipment;
        this.shape = shape;
        this.partitionColumn = partitionColumn;
        this.tooLarge = tooLarge;
        if (shipment.format() == FileFormat.CSV) {
            FormatOptions.Csv o = (FormatOptions.Csv) shipment.options();
            // bodies in the file's encoding; UTF-16 as UTF-16BE, so that no byte order mark lands inside a body
            this.charset = o.encoding().charset().equals(StandardCharsets.UTF_16) ? StandardCharsets.UTF_16BE
                    : o.encoding().charset();
            this.json = null;
            this.csv = new CsvRecords(new InputStreamReader(Files.newInputStream(shipment.file()),
                    o.encoding().charset()), o.delimiter());
            if (o.includeHeader()) {
                CsvRecords.Record header = csv.next();
                String text = header == null ? "" : header.text();
                this.csvHeader = ((text.startsWith("\uFEFF") ? text.substring(1) : text) + "\n").getBytes(charset);
                this.csvNames = header == null ? List.of() : header.fields().stream()
                        .map(f -> f == null ? "" : f.startsWith("\uFEFF") ? f.substring(1) : f).toList();
            } else {
                this.csvHeader = new byte[0];
                this.csvNames = shipment.columns().stream().map(io.flowexport.dataset.Column::name).toList();
            }
        } else {
            this.charset = StandardCharsets.UTF_8;
            this.json = JSON.readerFor(ObjectNode.class).readValues(shipment.file().toFile());
            this.csv = null;
            this.csvNames = List.of();
            this.csvHeader = new byte[0];
        }
    }

    /**
     * One row: its fields (a CSV row's as text, NULL as null, {@code xt_batch_id} as a number) and its bytes in a
     * message body (the JSON object; the CSV record as written, with its line end, in the file's encoding).
     */
    private record Row(ObjectNode fields, byte[] bytes) {
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = shape.rowsPerMessage() == 1 ? nextRow() : nextChunk();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the staged file " + shipment.file() + ": "
                        + e.getMessage(), e);
            }
        }
        return next != null;
    }

    @Override
    public OutMessage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        OutMessage m = next;
        next = null;
        return m;
    }

    private Row readRow() throws IOException {
        if (pending != null) {
            Row r = pending;
            pending = null;
            return r;
        }
        if (csv != null) {
            CsvRecords.Record r = csv.next();
            if (r == null) {
                return null;
            }
            rowNumber++;
            ObjectNode fields = JSON.createObjectNode();
            for (int i = 0; i < r.fields().size() && i < csvNames.size(); i++) {
                String v = r.fields().get(i);
                if (v == null) {
                    fields.putNull(csvNames.get(i));
                } else if (csvNames.get(i).equalsIgnoreCase(Dataset.BATCH_ID) && WHOLE_NUMBER.matcher(v).matches()) {
                    fields.put(csvNames.get(i), Long.parseLong(v));
                } else {
                    fields.put(csvNames.get(i), v);
                }
            }
            return new Row(fields, (r.text() + "\n").getBytes(charset));
        }
        if (!json.hasNext()) {
            return null;
        }
        rowNumber++;
        ObjectNode fields = json.next();
        return new Row(fields, JSON.writeValueAsBytes(fields));
    }

    /** The content type of the bodies: JSON, JSON Lines or CSV (with its charset when not UTF-8). */
    private String contentType(boolean chunk) {
        if (csv != null) {
            return "text/csv" + (charset.equals(StandardCharsets.UTF_8) ? "" : "; charset=" + charset.name());
        }
        return chunk && shipment.jsonl() ? "application/x-ndjson" : "application/json";
    }

    private OutMessage nextRow() throws IOException {
        for (Row r = readRow(); r != null; r = readRow()) {
            ObjectNode row = r.fields();
            String key = keyText(row);
            String describe = key != null ? key : "row " + rowNumber;
            Map<String, Object> props = baseProperties();
            JsonNode batch = field(row, Dataset.BATCH_ID);
            props.put("batch_id", batch != null && batch.canConvertToLong() ? (Object) batch.asLong()
                    : shipment.batchRange());
            JsonNode recordType = field(row, "xt_record_type");
            if (recordType != null && !recordType.isNull()) {
                props.put("xt_record_type", recordType.asText());
            }
            for (String column : shape.properties()) {
                Object value = scalar(field(row, column));
                if (value != null) {
                    props.put(column, value);
                }
            }
            String id = id(key != null ? "row\0" + (batch != null ? batch.asText() : shipment.idempotencyScope())
                    + "\0" + key : "row\0" + shipment.idempotencyScope() + "\0" + rowNumber);
            props.put("message_id", id);
            byte[] body = csv == null ? r.bytes() : concat(csvHeader, r.bytes());
            OutMessage m = new OutMessage(id, body, contentType(false), partitionKey(row), props, 1, describe);
            if (m.size() > shape.maxMessageBytes()) {
                reject(row, describe, m.size());
                continue;
            }
            return m;
        }
        return null;
    }

    private OutMessage nextChunk() throws IOException {
        List<ObjectNode> chunk = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String key = null;
        String firstBatch = null;
        String lastBatch = null;
        long firstRow = 0;
        for (Row r = readRow(); r != null; r = readRow()) {
            ObjectNode row = r.fields();
            String rowKey = partitionKey(row);
            byte[] bytes = r.bytes();
            long alone = bytes.length + csvHeader.length + 2 + 200L;
            if (alone > shape.maxMessageBytes()) {
                String k = keyText(row);
                reject(row, k != null ? k : "row " + rowNumber, alone);
                continue;
            }
            if (!chunk.isEmpty() && (!Objects.equals(rowKey, key) || chunk.size() >= shape.rowsPerMessage()
                    || body.size() + bytes.length + 2 + 200L > shape.maxMessageBytes())) {
                pending = r;
                break;
            }
            if (chunk.isEmpty()) {
                key = rowKey;
                firstRow = rowNumber;
            }
            if (csv != null) {
                if (chunk.isEmpty()) {
                    body.write(csvHeader);
                }
                body.write(bytes);
            } else {
                write(body, bytes, chunk.isEmpty());
            }
            chunk.add(row);
            JsonNode batch = field(row, Dataset.BATCH_ID);
            if (batch != null && !batch.isNull()) {
                firstBatch = firstBatch == null ? batch.asText() : firstBatch;
                lastBatch = batch.asText();
            }
        }
        if (chunk.isEmpty()) {
            return null;
        }
        if (csv == null && !shipment.jsonl()) {
            body.write(']');
        }
        chunkNumber++;
        Map<String, Object> props = baseProperties();
        props.put("batch_id", firstBatch == null ? shipment.batchRange() : firstBatch.equals(lastBatch)
                ? (Object) Long.parseLong(firstBatch) : firstBatch + ".." + lastBatch);
        props.put("row_count", (long) chunk.size());
        String id = id("chunk\0" + shipment.idempotencyScope() + "\0" + chunkNumber);
        props.put("message_id", id);
        return new OutMessage(id, body.toByteArray(), contentType(true), key, props, chunk.size(), "chunk "
                + chunkNumber + " (rows " + firstRow + ".." + (firstRow
                + chunk.size() - 1) + ")");
    }

    private void write(OutputStream body, byte[] row, boolean first) throws IOException {
        if (shipment.jsonl()) {
            body.write(row);
            body.write('\n');
        } else {
            body.write(first ? '[' : ',');
            body.write(row);
        }
    }

    private void reject(ObjectNode row, String describe, long size) throws IOException {
        if (tooLarge == null) {
            throw new TooLargeException(describe + " is " + size + " bytes as a message, more than the "
                    + shape.maxMessageBytes() + " bytes one message may hold (max_message_size, or less when the "
                    + "namespace announces less); nothing after it was sent: leave large columns out with "
                    + "exporter_config columns, set dead_letter_path, or raise max_message_size if the namespace's "
                    + "tier allows it (Event Hubs 256 KB Basic, 1 MB Standard; Service Bus 256 KB Standard)");
        }
        tooLarge.accept(row, describe, size, shape.maxMessageBytes());
    }

    private Map<String, Object> baseProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("flow_id", shipment.flowId());
        props.put("run_id", shipment.runId());
        return props;
    }

    /** {@code a=1, b=x} for the key columns, or null when there are none. */
    private String keyText(ObjectNode row) {
        if (shape.keyColumns().isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String c : shape.keyColumns()) {
            JsonNode v = field(row, c);
            sb.append(sb.length() == 0 ? "" : ", ").append(c).append('=').append(v == null || v.isNull() ? "null"
                    : v.asText());
        }
        return sb.toString();
    }

    private String partitionKey(ObjectNode row) {
        if (partitionColumn == null) {
            return null;
        }
        JsonNode v = field(row, partitionColumn);
        return v == null || v.isNull() ? null : v.asText();
    }

    private String id(String what) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(shipment.flowId().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(what.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The row's field, by exact name, else ignoring case; null when absent. */
    private static JsonNode field(ObjectNode row, String name) {
        JsonNode v = row.get(name);
        if (v != null) {
            return v;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A JSON value as an AMQP/Kafka-friendly property value: Long, Double, Boolean or String; null for null. */
    private static Object scalar(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        } else if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        } else if (v.isNumber()) {
            return v.asText();
        } else if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        if (json != null) {
            json.close();
        }
        if (csv != null) {
            csv.close();
        }
    }
}
