package io.flowexport.destination.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hc.core5.http.ContentType;

/**
 * JSON Lines in batches: each chunk is {@code batchSize} lines, each ending in {@code \n}, as
 * {@code application/x-ndjson}. Lines are passed on byte for byte, except that a trailing {@code \r} and a UTF-8
 * byte order mark at the start of the file are dropped and blank lines are skipped (they hold no record). Lines are
 * split at the byte {@code \n}, which needs an ASCII-compatible encoding: a UTF-16 file is refused.
 */
final class JsonLinesBatches implements ChunkSource {

    private static final ContentType NDJSON = ContentType.create(BodyFormat.JSONL.contentType());

    private final InputStream in;
    private final int batchSize;
    private final byte[] buffer = new byte[64 * 1024];
    private byte[] line = new byte[8 * 1024];
    private int lineLength;
    private int recordStart;
    private int recordEnd;
    private int pos;
    private int limit;
    private boolean atStart = true;
    private int index;
    private long records;

    JsonLinesBatches(Path file, int batchSize) throws IOException {
        this.in = Files.newInputStream(file);
        this.batchSize = batchSize;
    }

    @Override
    public boolean skip() throws IOException {
        return batch(OutputStream.nullOutputStream()) > 0;
    }

    @Override
    public Chunk next() throws IOException {
        BodyBuffer body = new BodyBuffer();
        long first = records + 1;
        int n = batch(body);
        return n == 0 ? null : new Chunk(index - 1, first, n, body.entity(NDJSON));
    }

    /** Writes up to batchSize records to the sink; returns how many. */
    private int batch(OutputStream sink) throws IOException {
        int n = 0;
        while (n < batchSize && readRecord()) {
            sink.write(line, recordStart, recordEnd - recordStart);
            sink.write('\n');
            n++;
        }
        if (n > 0) {
            index++;
            records += n;
        }
        return n;
    }

    /**
     * Reads the next non-blank line into {@link #line}, setting {@link #recordStart} and {@link #recordEnd} around
     * its content (no line break, no trailing CR, no byte order mark).
     *
     * @return false at the end of the file
     */
    private boolean readRecord() throws IOException {
        while (true) {
            boolean more = readLine();
            recordStart = 0;
            recordEnd = lineLength;
            if (atStart) {
                atStart = false;
                skipByteOrderMark();
            }
            if (recordEnd > recordStart && line[recordEnd - 1] == '\r') {
                recordEnd--;
            }
            if (!isBlank()) {
                return true;
            }
            if (!more) {
                return false;
            }
        }
    }

    /** Reads the bytes up to the next {@code \n} (consumed, not kept) into {@link #line}; false when the file ended. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (pos == limit) {
                limit = Math.max(0, in.read(buffer));
                pos = 0;
                if (limit == 0) {
                    return false;
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n') {
                pos++;
            }
            append(start, pos - start);
            if (pos < limit) {
                pos++;
                return true;
            }
        }
    }

    private void append(int from, int length) {
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        }
        System.arraycopy(buffer, from, line, lineLength, length);
        lineLength += length;
    }

    private void skipByteOrderMark() throws IOException {
        if (lineLength >= 2 && (line[0] == (byte) 0xFE && line[1] == (byte) 0xFF
                || line[0] == (byte) 0xFF && line[1] == (byte) 0xFE)) {
            throw new IOException("the JSON Lines file is UTF-16; BATCHES mode needs UTF-8");
        }
        if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            recordStart = 3;
        }
    }

    private boolean isBlank() {
        for (int i = recordStart; i < recordEnd; i++) {
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
