package io.flowexport.destination.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunking without HTTP: what each request body of a file would be. */
class ChunkSourcesTest {

    @TempDir
    Path dir;

    @Test
    void jsonLinesKeepTheirBytesAndDropLineEndsBomAndBlankLines() throws IOException {
        Path file = write("a.jsonl", "\uFEFF{\"a\":1}\r\n\n  \n{\"a\":2}\n{\"a\":3}".getBytes(StandardCharsets.UTF_8));
        assertThat(bodies(new JsonLinesBatches(file, 2))).containsExactly("{\"a\":1}\n{\"a\":2}\n", "{\"a\":3}\n");
    }

    @Test
    void aLineLongerThanTheReadBufferStaysWhole() throws IOException {
        String big = "{\"s\":\"" + "x".repeat(200_000) + "\"}";
        Path file = write("big.jsonl", (big + "\n" + big + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(bodies(new JsonLinesBatches(file, 1))).containsExactly(big + "\n", big + "\n");
    }

    @Test
    void utf16JsonLinesAreRefused() throws IOException {
        Path file = write("u.jsonl", "{\"a\":1}\n".getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> bodies(new JsonLinesBatches(file, 2)))
                .hasMessage("the JSON Lines file is UTF-16; BATCHES mode needs UTF-8");
    }

    @Test
    void jsonArraysBecomeCompactArraysWithExactNumbers() throws IOException {
        String text = "[ {\"n\": 1.10, \"big\": 123456789012345678901234567890, \"e\": 1e2},\n"
                + "  {\"nested\": {\"list\": [1, \"two\", false]}}, {} ]";
        Path file = write("a.json", text.getBytes(StandardCharsets.UTF_16));
        assertThat(bodies(new JsonArrayBatches(file, 2))).containsExactly(
                "[{\"n\":1.10,\"big\":123456789012345678901234567890,\"e\":1e2},"
                        + "{\"nested\":{\"list\":[1,\"two\",false]}}]",
                "[{}]");
    }

    @Test
    void skippedChunksAreNotBuiltAndNumberingGoesOn() throws IOException {
        Path file = write("a.json", "[1,2,3,4,5]".getBytes(StandardCharsets.UTF_8));
        try (ChunkSource source = new JsonArrayBatches(file, 2)) {
            assertThat(source.skip()).isTrue();
            Chunk chunk = source.next();
            assertThat(chunk.index()).isEqualTo(1);
            assertThat(chunk.describe()).isEqualTo("chunk 1 (records 3-4)");
            assertThat(source.next().describe()).isEqualTo("chunk 2 (record 5)");
            assertThat(source.next()).isNull();
            assertThat(source.skip()).isFalse();
        }
    }

    @Test
    void aFileThatIsNoArrayOrEndsEarlyIsReported() throws IOException {
        Path object = write("o.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        Path cut = write("c.json", "[{\"a\":1},".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> bodies(new JsonArrayBatches(object, 2)))
                .hasMessage("the file is not a JSON array (it must start with '[')");
        assertThatThrownBy(() -> bodies(new JsonArrayBatches(cut, 5))).isInstanceOf(IOException.class);
    }

    @Test
    void theWholeFileIsOneRepeatableChunk() throws IOException {
        Path file = write("a.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8));
        try (ChunkSource source = new WholeFile(file, BodyFormat.CSV)) {
            Chunk chunk = source.next();
            assertThat(chunk.describe()).isEqualTo("the file (chunk 0)");
            assertThat(chunk.body().isRepeatable()).isTrue();
            assertThat(chunk.body().getContentType()).isEqualTo("text/csv");
            assertThat(source.next()).isNull();
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static List<String> bodies(ChunkSource source) throws IOException {
        List<String> bodies = new ArrayList<>();
        try (source) {
            for (Chunk c = source.next(); c != null; c = source.next()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                c.body().writeTo(out);
                bodies.add(out.toString(StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }
}
