package io.flowexport.run;

import io.flowexport.query.ExportQuery;
import io.flowexport.dataset.SourceRows;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Moves rows from the database to a {@link RowWriter} on two threads, so that reading (driver decoding) and
 * encoding (text, compression) overlap: a reader thread converts rows into chunks of
 * {@value #CHUNK_ROWS} and hands them over a queue of at most {@value #QUEUE_CHUNKS} chunks, which bounds the
 * memory in flight; the calling thread writes them. An error on either side stops both and is rethrown here.
 */
final class RowPump {

    static final int CHUNK_ROWS = 512;
    static final int QUEUE_CHUNKS = 16;
    private static final Object[][] END = new Object[0][];

    private final BlockingQueue<Object[][]> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private volatile boolean cancelled;
    private volatile Throwable readError;
    private long rows;
    private Long firstBatch;
    private Long lastBatch;

    /**
     * Copies every row of {@code rows} into {@code writer} and returns the count and batch range.
     * {@code rows} is read on another thread; the caller closes it after this returns.
     *
     * @throws IOException  when the writer fails
     * @throws SQLException when reading fails (e.g. the database connection broke)
     */
    static Written copy(FlowRun run, ExportQuery query, SourceRows rows, RowWriter writer)
            throws IOException, SQLException {
        RowPump pump = new RowPump();
        Thread reader = new Thread(() -> pump.read(run, query, rows), "flowexport-reader-" + run.flow().id());
        reader.setDaemon(true);
        reader.start();
        try {
            pump.write(run, writer);
        } catch (IOException | RuntimeException | Error e) {
            pump.cancelled = true;
            pump.queue.clear();
            throw e;
        } finally {
            joinQuietly(reader, pump);
        }
        Throwable error = pump.readError;
        if (error instanceof SQLException sql) {
            throw sql;
        } else if (error instanceof RuntimeException r) {
            throw r;
        } else if (error instanceof Error err) {
            throw err;
        } else if (error != null) {
            throw new IllegalStateException(error);
        }
        return new Written(pump.rows, pump.firstBatch, pump.lastBatch);
    }

    private void read(FlowRun run, ExportQuery query, SourceRows rows) {
        int outputs = query.outputColumns().size();
        Object[][] chunk = new Object[CHUNK_ROWS][];
        int n = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try {
            while (!cancelled && run.abortReason() == null) {
                Object[] out = new Object[outputs];
                Long batch = rows.next(out);
                if (batch == null) {
                    break;
                }
                if (batch != Long.MIN_VALUE) {
                    first = Math.min(first, batch);
                    last = Math.max(last, batch);
                }
                chunk[n++] = out;
                if (n == CHUNK_ROWS) {
                    put(chunk);
                    chunk = new Object[CHUNK_ROWS][];
                    n = 0;
                }
            }
            if (n > 0) {
                Object[][] tail = new Object[n][];
                System.arraycopy(chunk, 0, tail, 0, n);
                put(tail);
            }
            if (last != Long.MIN_VALUE) {
                firstBatch = first;
                lastBatch = last;
            }
        } catch (Throwable t) {
            readError = t;
        } finally {
            try {
                put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void put(Object[][] chunk) throws InterruptedException {
        while (!cancelled) {
            if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    private void write(FlowRun run, RowWriter writer) throws IOException {
        try {
            while (true) {
                Object[][] chunk = queue.take();
                run.checkAborted(); // also after END: a reader stopped by an abort must not look like a complete read
                if (chunk == END) {
                    return;
                }
                for (Object[] row : chunk) {
                    writer.write(row);
                    rows++;
                }
                run.wrote(rows); // once per chunk: live progress for another thread, without a lock per row
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing", e);
        }
    }

    private static void joinQuietly(Thread reader, RowPump pump) {
        try {
            while (reader.isAlive()) {
                pump.queue.clear();
                reader.join(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
