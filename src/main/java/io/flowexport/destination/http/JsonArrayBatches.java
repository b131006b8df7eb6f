package io.flowexport.destination.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hc.core5.http.ContentType;

/**
 * A JSON array in batches: the file is parsed as a stream (Jackson detects UTF-8/16/32 and skips a byte order mark)
 * and each chunk is a compact UTF-8 array of {@code batchSize} elements, as {@code application/json}. Numbers keep
 * their exact text ({@code 1.10} stays {@code 1.10}, a 20-digit decimal keeps its digits).
 */
final class JsonArrayBatches implements ChunkSource {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ContentType CONTENT_TYPE = ContentType.create(BodyFormat.JSON.contentType());

    private final JsonParser parser;
    private final int batchSize;
    private boolean started;
    private boolean ended;
    private int index;
    private long records;

    JsonArrayBatches(Path file, int batchSize) throws IOException {
        this.parser = JSON.createParser(file.toFile());
        this.batchSize = batchSize;
    }

    @Override
    public boolean skip() throws IOException {
        int n = 0;
        while (n < batchSize && nextElement()) {
            parser.skipChildren();
            n++;
        }
        return counted(n) > 0;
    }

    @Override
    public Chunk next() throws IOException {
        BodyBuffer body = new BodyBuffer();
        int n = 0;
        try (JsonGenerator g = JSON.createGenerator(body)) {
            g.writeStartArray();
            while (n < batchSize && nextElement()) {
                copyElement(g);
                n++;
            }
            g.writeEndArray();
        }
        long first = records + 1;
        return counted(n) == 0 ? null
                : new Chunk(index - 1, first, n, body.entity(CONTENT_TYPE));
    }

    private int counted(int n) {
        if (n > 0) {
            index++;
            records += n;
        }
        return n;
    }

    /** Moves to the first token of the next element; false after the closing bracket. */
    private boolean nextElement() throws IOException {
        if (ended) {
            return false;
        }
        if (!started) {
            started = true;
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("the file is not a JSON array (it must start with '[')");
            }
        }
        JsonToken t = parser.nextToken();
        if (t == null) {
            throw new IOException("the JSON array is not closed (the file ends before ']')");
        }
        ended = t == JsonToken.END_ARRAY;
        return !ended;
    }

    /** Copies the element at the current token, numbers as their source text. */
    private void copyElement(JsonGenerator g) throws IOException {
        int depth = 0;
        do {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                g.writeNumber(parser.getText());
            } else {
                g.copyCurrentEvent(parser);
            }
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        } while (depth > 0 && parser.nextToken() != null);
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
