package io.flowexport.destination.http;

import java.io.ByteArrayOutputStream;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/** A batch body being written; becomes an entity over its own buffer, without the copy {@code toByteArray} makes. */
final class BodyBuffer extends ByteArrayOutputStream {

    BodyBuffer() {
        super(64 * 1024);
    }

    /** A repeatable entity over the bytes written so far; the buffer must not be written to afterwards. */
    HttpEntity entity(ContentType contentType) {
        return new ByteArrayEntity(buf, 0, count, contentType);
    }
}
