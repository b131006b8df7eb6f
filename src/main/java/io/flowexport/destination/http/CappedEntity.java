package io.flowexport.destination.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/** A response entity that yields at most {@code limit} bytes of the wrapped one; see {@link ClientPolicy}. */
final class CappedEntity extends HttpEntityWrapper {

    private final int limit;
    /** True when the whole body fits the limit, so closing may drain it and keep the connection. */
    private final boolean bounded;
    private InputStream content;

    CappedEntity(HttpEntity wrapped, int limit, boolean bounded) {
        super(wrapped);
        this.limit = limit;
        this.bounded = bounded;
    }

    @Override
    public synchronized InputStream getContent() throws IOException {
        // one stream for every caller: Camel reads it, then closes it through the entity again
        if (content == null) {
            content = new Capped(super.getContent());
        }
        return content;
    }

    @Override
    public long getContentLength() {
        long length = super.getContentLength();
        return length < 0 ? -1 : Math.min(length, limit);
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = getContent()) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() throws IOException {
        if (content != null) {
            content.close();
        } else if (bounded) {
            super.close();
        }
    }

    private final class Capped extends FilterInputStream {
        private int remaining = limit;
        private boolean closed;

        Capped(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= (int) skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return Math.min(in.available(), remaining);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            // a bounded body is drained by close (at most the limit) and the connection kept; an unbounded one is
            // left unread: its response says Connection: close, so HttpClient discards the connection on release
            if (bounded) {
                in.close();
            }
        }
    }
}
