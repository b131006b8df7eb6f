package io.flowexport.destination.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.TextEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows to messages: bodies, deterministic ids, properties, chunks split by key and size, rows too large. */
class RowMessagesTest {

    @TempDir
    Path dir;

    private static final String ROWS = """
            [
              {"order_id": 1, "region": "eu", "total": 9.99, "xt_record_type": "new", "xt_batch_id": 41},
              {"order_id": 2, "region": "eu", "total": 10.00, "xt_record_type": "changed", "xt_batch_id": 41},
              {"order_id": 3, "region": "us", "total": 0.50, "xt_record_type": "deleted", "xt_batch_id": 42}
            ]
            """;

    private Shipment shipment(String content, boolean jsonl, String runId) throws IOException {
        Path f = Files.writeString(dir.resolve(jsonl ? "rows.jsonl" : "rows.json"), content);
        return new Shipment("orders", runId, f, FileFormat.JSON, jsonl, Map.of(), "41..42", "batches 41..42",
                () -> false, "orders", ExportMode.INCREMENTAL, 3, 41L, 42L, List.of());
    }

    private static MessageShape shape(int perMessage, List<String> keys, List<String> props,
                                                      long max) {
        return new MessageShape(perMessage, keys, props, max, 1 << 20, null);
    }

    private static List<OutMessage> all(RowMessages m) throws IOException {
        List<OutMessage> out = new ArrayList<>();
        m.forEachRemaining(out::add);
        m.close();
        return out;
    }

    @Test
    void oneEventPerRowWithKeyIdsAndProperties() throws IOException {
        List<OutMessage> first = all(new RowMessages(shipment(ROWS, false, "r1"), shape(1, List.of("order_id"),
                List.of("region", "total"), 1 << 20), "region", null));
        assertThat(first).hasSize(3);
        OutMessage m = first.get(0);
        assertThat(new ObjectMapper().readTree(m.body()).get("order_id").asInt()).isEqualTo(1);
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(m.partitionKey()).isEqualTo("eu");
        assertThat(m.id()).hasSize(32).matches("[0-9a-f]+");
        assertThat(m.properties()).containsEntry("flow_id", "orders").containsEntry("run_id", "r1")
                .containsEntry("batch_id", 41L).containsEntry("xt_record_type", "new").containsEntry("region", "eu")
                .containsEntry("total", "9.99").containsEntry("message_id", m.id());
        assertThat(m.describe()).isEqualTo("order_id=1");
        assertThat(first).extracting(OutMessage::id).doesNotHaveDuplicates();

        List<OutMessage> rerun = all(new RowMessages(shipment(ROWS, false, "r2"), shape(1, List.of("order_id"),
                List.of(), 1 << 20), null, null));
        assertThat(rerun).extracting(OutMessage::id).as("the same rows get the same ids in another run")
                .containsExactlyElementsOf(first.stream().map(OutMessage::id).toList());
    }

    @Test
    void chunksAreJsonArraysOrJsonLinesAndSplitWhereThePartitionKeyChanges() throws IOException {
        List<OutMessage> chunks = all(new RowMessages(shipment(ROWS, false, "r1"), shape(10, List.of(), List.of(),
                1 << 20), "region", null));
        assertThat(chunks).hasSize(2);
        assertThat(new ObjectMapper().readTree(chunks.get(0).body()).size()).isEqualTo(2);
        assertThat(chunks.get(0).partitionKey()).isEqualTo("eu");
        assertThat(chunks.get(0).properties()).containsEntry("row_count", 2L).containsEntry("batch_id", 41L);
        assertThat(chunks.get(1).partitionKey()).isEqualTo("us");
        assertThat(chunks.get(1).rows()).isEqualTo(1);

        String jsonl = ROWS.lines().filter(l -> l.trim().startsWith("{")).map(l -> l.trim().replaceAll(",$", ""))
                .reduce("", (a, b) -> a + b + "\n");
        List<OutMessage> lines = all(new RowMessages(shipment(jsonl, true, "r1"), shape(2, List.of(), List.of(),
                1 << 20), null, null));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).contentType()).isEqualTo("application/x-ndjson");
        assertThat(new String(lines.get(0).body(), StandardCharsets.UTF_8).lines()).hasSize(2);
        assertThat(lines.get(0).properties()).containsEntry("batch_id", 41L);
        assertThat(lines.get(1).properties()).containsEntry("batch_id", 42L);
        assertThat(lines.get(0).id()).isNotEqualTo(lines.get(1).id());
    }

    @Test
    void aChunkEndsBeforeItOutgrowsTheMessageLimit() throws IOException {
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"note\":\"").append("x".repeat(300))
                    .append("\"}");
        }
        big.append("]");
        List<OutMessage> chunks = all(new RowMessages(shipment(big.toString(), false, "r1"), shape(100, List.of(),
                List.of(), 1200), null, null));
        assertThat(chunks).allSatisfy(c -> assertThat(c.body().length).isLessThanOrEqualTo(1200));
        assertThat(chunks.stream().mapToInt(OutMessage::rows).sum()).isEqualTo(10);
    }

    @Test
    void aRowTooLargeFailsNamingItsKeyOrGoesToTheDeadLetters() throws IOException {
        String rows = "[{\"id\": 1, \"note\": \"small\"}, {\"id\": 2, \"note\": \"" + "y".repeat(5000) + "\"},"
                + " {\"id\": 3, \"note\": \"small\"}]";
        RowMessages failing = new RowMessages(shipment(rows, false, "r1"), shape(1, List.of("id"), List.of(), 2048),
                null, null);
        assertThat(failing.next().describe()).isEqualTo("id=1");
        assertThatThrownBy(failing::next).isInstanceOf(RowMessages.TooLargeException.class)
                .hasMessageContaining("id=2 is ").hasMessageContaining("more than the 2048 bytes one message may hold");
        failing.close();

        List<String> dead = new ArrayList<>();
        List<OutMessage> sent = all(new RowMessages(shipment(rows, false, "r1"), shape(1, List.of("id"), List.of(),
                2048), null, (row, describe, size, limit) -> dead.add(describe)));
        assertThat(sent).extracting(OutMessage::describe).containsExactly("id=1", "id=3");
        assertThat(dead).containsExactly("id=2");
    }

    private Shipment csv(String content, char delimiter, boolean header, TextEncoding encoding) throws IOException {
        Path f = dir.resolve("rows.csv");
        Files.write(f, content.getBytes(encoding.charset()));
        return new Shipment("orders", "r1", f, FileFormat.CSV, false, Map.of(), "41..42", "batches 41..42",
                () -> false, "orders", ExportMode.INCREMENTAL, 3, 41L, 42L, List.of(Column.of("order_id",
                ValueKind.INT64), Column.of("note", ValueKind.STRING), Column.of("xt_batch_id", ValueKind.INT64)),
                new FormatOptions.Csv(delimiter, header, encoding, List.of()));
    }

    @Test
    void csvRowsGoAsTheHeaderAndTheirRecordAsWritten() throws IOException {
        String file = "order_id,note,xt_batch_id\n1,plain,41\n2,\"two\nlines, \"\"quoted\"\"\",41\n3,,42\n";
        List<OutMessage> rows = all(new RowMessages(csv(file, ',', true, TextEncoding.UTF_8),
                shape(1, List.of("order_id"), List.of("note"), 1 << 20), "note", null));
        assertThat(rows).extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly(
                "order_id,note,xt_batch_id\n1,plain,41\n",
                "order_id,note,xt_batch_id\n2,\"two\nlines, \"\"quoted\"\"\",41\n",
                "order_id,note,xt_batch_id\n3,,42\n");
        assertThat(rows).extracting(OutMessage::contentType).containsOnly("text/csv");
        assertThat(rows).extracting(OutMessage::describe).containsExactly("order_id=1", "order_id=2", "order_id=3");
        assertThat(rows.get(1).partitionKey()).isEqualTo("two\nlines, \"quoted\"");
        assertThat(rows.get(2).partitionKey()).as("an empty unquoted field is NULL").isNull();
        assertThat(rows.get(2).properties()).containsEntry("batch_id", 42L).doesNotContainKey("note");
        assertThat(rows.get(0).properties()).containsEntry("note", "plain");
    }

    @Test
    void csvChunksHoldTheHeaderOnceInTheFlowsDelimiterAndEncoding() throws IOException {
        String file = "1;caf\u00e9;41\n2;\"a;b\";41\n3;x;42\n";
        List<OutMessage> chunks = all(new RowMessages(csv(file, ';', false, TextEncoding.LATIN_1),
                shape(2, List.of(), List.of(), 1 << 20), null, null));
        assertThat(chunks).extracting(m -> new String(m.body(), StandardCharsets.ISO_8859_1))
                .containsExactly("1;caf\u00e9;41\n2;\"a;b\";41\n", "3;x;42\n");
        assertThat(chunks.get(0).body()).as("one byte for the e acute, as in the file").hasSize(21);
        assertThat(chunks).extracting(OutMessage::contentType).containsOnly("text/csv; charset=ISO-8859-1");
        assertThat(chunks).extracting(m -> m.properties().get("batch_id")).containsExactly(41L, 42L);

        String withHeader = "order_id,note,xt_batch_id\n1,a,41\n2,b,41\n3,c,41\n";
        List<OutMessage> headed = all(new RowMessages(csv(withHeader, ',', true, TextEncoding.UTF_8_SIG),
                shape(2, List.of(), List.of(), 1 << 20), null, null));
        assertThat(headed).extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly(
                "order_id,note,xt_batch_id\n1,a,41\n2,b,41\n", "order_id,note,xt_batch_id\n3,c,41\n");
    }

    @Test
    void aCsvFileThatEndsInsideQuotesFailsNamingTheLine() throws IOException {
        RowMessages broken = new RowMessages(csv("1,ok,41\n2,\"never closed,41\n", ',', false, TextEncoding.UTF_8),
                shape(1, List.of(), List.of(), 1 << 20), null, null);
        assertThat(broken.next().describe()).isEqualTo("row 1");
        assertThatThrownBy(broken::next).hasMessageContaining("line 2 ends inside a quoted field");
        broken.close();
    }
}
