package io.flowexport.destination.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message as flow-export builds it from the export, before any transport.
 *
 * @param id           the deterministic message id: the same row or chunk gets the same id on every run (32 hex
 *                     characters, from the flow, the batch and the row's key or position)
 * @param body         the bytes sent: a JSON object (one row), a JSON array or JSON Lines (a chunk)
 * @param contentType  {@code application/json} or {@code application/x-ndjson}
 * @param partitionKey the partition key (Event Hubs; the Kafka record key), or null
 * @param properties   application properties: String, Long, Double or Boolean values only
 * @param rows         rows in the message
 * @param describe     the message for error messages: the row's key values, or its position
 */
public record OutMessage(String id, byte[] body, String contentType, String partitionKey,
                         Map<String, Object> properties, int rows, String describe) {

    public OutMessage {
        properties = Map.copyOf(properties);
    }

    /**
     * The messages of a batch grouped by partition key (or session id), keys in order of first appearance and each
     * key's messages in their order: an SDK batch holds one key, and a key's order is kept.
     */
    static Collection<List<OutMessage>> byKey(List<OutMessage> batch) {
        Map<String, List<OutMessage>> groups = new LinkedHashMap<>();
        for (OutMessage m : batch) {
            groups.computeIfAbsent(m.partitionKey() == null ? "\0none" : "k" + m.partitionKey(),
                    k -> new ArrayList<>()).add(m);
        }
        return groups.values();
    }

    /** Body and properties in bytes, as a broker counts a message's size (without its framing). */
    public long size() {
        long n = body.length + (partitionKey == null ? 0 : partitionKey.length()) + id.length();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            n += e.getKey().length() + String.valueOf(e.getValue()).length() + 8;
        }
        return n;
    }
}
