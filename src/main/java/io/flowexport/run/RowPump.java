package io.flowexport.run;

import io.flowexport.dataset.ValueReader;
import io.flowexport.format.RowWriter;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Moves rows from the database to a {@link RowWriter} on two threads, so that reading (driver decoding, value
 * conversion) and encoding (text, compression) overlap: a reader thread converts rows into chunks of
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
     * Copies every row of {@code rows} into {@code writer} and records the count and batch range in {@code run}.
     *
     * @param rows the query's rows, each a map in SELECT order
     * @throws IOException when the writer fails
     * @throws RuntimeException the reader's failure (e.g. the database connection broke), as thrown by it
     */
    static void copy(FlowRun run, Iterator<Map<String, Object>> rows, RowWriter writer) throws IOException {
        RowPump pump = new RowPump();
        Thread reader = new Thread(() -> pump.read(run, rows), "flowexport-reader-" + run.flow().id());
        reader.setDaemon(true);
        reader.start();
        try {
            pump.write(writer);
        } catch (IOException | RuntimeException | Error e) {
            pump.cancelled = true;
            pump.queue.clear();
            throw e;
        } finally {
            joinQuietly(reader, pump);
        }
        Throwable error = pump.readError;
        if (error instanceof RuntimeException r) {
            throw r;
        } else if (error instanceof Error err) {
            throw err;
        } else if (error != null) {
            throw new IllegalStateException(error);
        }
        run.rows = pump.rows;
        run.firstBatch = pump.firstBatch;
        run.lastBatch = pump.lastBatch;
    }

    private void read(FlowRun run, Iterator<Map<String, Object>> rows) {
        ValueReader values = new ValueReader(run.query().outputColumns());
        int outputs = run.query().outputColumns().size();
        int batchIndex = run.query().batchIndex();
        Object[] raw = new Object[run.query().selectedColumnCount()];
        Object[][] chunk = new Object[CHUNK_ROWS][];
        int n = 0;
        try {
            while (!cancelled && rows.hasNext()) {
                int i = 0;
                for (Object v : rows.next().values()) {
                    raw[i++] = v;
                }
                Object[] out = new Object[outputs];
                for (int c = 0; c < outputs; c++) {
                    out[c] = values.convert(c, raw[c]);
                }
                if (batchIndex >= 0 && raw[batchIndex] != null) {
                    long b = ((Number) raw[batchIndex]).longValue();
                    if (firstBatch == null || b < firstBatch) {
                        firstBatch = b;
                    }
                    if (lastBatch == null || b > lastBatch) {
                        lastBatch = b;
                    }
                }
                chunk[n++] = out;
                if (n == CHUNK_ROWS) {
                    put(chunk);
                    chunk = new Object[CHUNK_ROWS][];
                    n = 0;
                }
            }
            if (n > 0) {
                Object[][] last = new Object[n][];
                System.arraycopy(chunk, 0, last, 0, n);
                put(last);
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

    private void write(RowWriter writer) throws IOException {
        try {
            while (true) {
                Object[][] chunk = queue.take();
                if (chunk == END) {
                    return;
                }
                for (Object[] row : chunk) {
                    writer.write(row);
                    rows++;
                }
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
