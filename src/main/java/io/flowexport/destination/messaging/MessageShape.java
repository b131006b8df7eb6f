package io.flowexport.destination.messaging;

import java.util.List;

/**
 * How rows become messages (Event Hubs events, Service Bus messages).
 *
 * @param rowsPerMessage  1: one message per row, a JSON object; more: one message per chunk of up to this many
 *                        rows, a JSON array (json), JSON Lines (jsonl) or CSV records under the header line (csv),
 *                        as the flow's file is written
 * @param keyColumns      the columns whose values identify a row (its message id is derived from the flow, the
 *                        row's batch and these values); empty: the row's position in the export
 * @param properties      columns whose values become application properties (one message per row only)
 * @param maxMessageBytes the largest message, in bytes (Event Hubs 256 KB Basic, 1 MB Standard and above; Service
 *                        Bus 256 KB Standard); over AMQP the namespace's announced limit applies when smaller
 * @param maxBatchBytes   the most bytes sent before waiting for the broker's acknowledgements
 * @param deadLetterPath  a file under the export directory that rows too large for one message are appended to
 *                        (placeholders allowed); null: such a row fails the run
 */
public record MessageShape(int rowsPerMessage, List<String> keyColumns, List<String> properties,
                           long maxMessageBytes, long maxBatchBytes, String deadLetterPath) {
    public MessageShape {
        keyColumns = List.copyOf(keyColumns);
        properties = List.copyOf(properties);
    }
}
