package io.flowexport.destination.http;

import java.nio.file.Path;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.FileEntity;

/**
 * The whole file as one chunk, chunk 0. The body is a {@link FileEntity}: HttpClient streams it from disk with a
 * small buffer and sends its length as Content-Length; it is repeatable, so a retry opens the file again.
 */
final class WholeFile implements ChunkSource {

    private final Path file;
    private final BodyFormat format;
    private boolean done;

    WholeFile(Path file, BodyFormat format) {
        this.file = file;
        this.format = format;
    }

    @Override
    public boolean skip() {
        boolean had = !done;
        done = true;
        return had;
    }

    @Override
    public Chunk next() {
        if (done) {
            return null;
        }
        done = true;
        return new Chunk(0, 0, 0, new FileEntity(file.toFile(), ContentType.create(format.contentType())));
    }

    @Override
    public void close() {
    }
}
