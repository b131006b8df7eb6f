package io.flowexport.destination.http;

import java.io.Closeable;
import java.io.IOException;

/**
 * The chunks of an export file, read in file order and built one at a time: only the current chunk is in memory
 * (none for the whole file, which is streamed from disk).
 */
interface ChunkSource extends Closeable {

    /**
     * Passes over the next chunk without building its body (a chunk acknowledged by an earlier delivery).
     *
     * @return false when there was no chunk left
     * @throws IOException when the file cannot be read or is not in its format
     */
    boolean skip() throws IOException;

    /**
     * The next chunk.
     *
     * @return the chunk, or null when there is none left
     * @throws IOException when the file cannot be read or is not in its format
     */
    Chunk next() throws IOException;

    /** Opens the source for a delivery's mode and format; BATCHES needs JSON or JSON Lines. */
    static ChunkSource open(HttpSettings settings, DeliveryRequest request) throws IOException {
        if (settings.mode() == HttpSettings.Mode.WHOLE) {
            return new WholeFile(request.file(), request.format());
        }
        return switch (request.format()) {
            case JSONL -> new JsonLinesBatches(request.file(), settings.batchSize());
            case JSON -> new JsonArrayBatches(request.file(), settings.batchSize());
            default -> throw new IllegalArgumentException("BATCHES mode needs JSON or JSON Lines");
        };
    }
}
