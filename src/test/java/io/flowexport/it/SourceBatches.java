package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The crash tests' source table (columns {@link ExportedRows#DDL}) and what was written to it: batch {@code b} is
 * one transaction of consecutive ids, with increasing batch ids, every row a change-feed {@code new} or
 * {@code changed} record whose text is {@link ExportedRows#note}. A batch is known here before it commits, so a
 * check never meets a committed batch it does not know. {@link #start} keeps writing batches on a thread of its
 * own until {@link #stop}.
 */
final class SourceBatches implements AutoCloseable {

    private final Connection connection;
    private final String table;
    private final Random random;
    private final int minRows;
    private final int maxRows;
    /** batch id -> {first id, rows}. */
    private final NavigableMap<Long, long[]> batches = new ConcurrentSkipListMap<>();
    /** first id of a batch -> batch id. */
    private final NavigableMap<Long, Long> byFirstId = new ConcurrentSkipListMap<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "source-writer");
        t.setDaemon(true);
        return t;
    });
    private volatile Throwable failure;
    private long nextBatch = 1;
    private long nextId = 1;

    /**
     * Creates {@code table} in the harness's source database.
     *
     * @param random  decides each batch's size (seeded by the test)
     * @param minRows the fewest rows of a batch
     * @param maxRows the most rows of a batch
     */
    SourceBatches(Harness h, String table, Random random, int minRows, int maxRows) throws SQLException {
        this.table = table;
        this.random = random;
        this.minRows = minRows;
        this.maxRows = maxRows;
        h.sql("CREATE TABLE " + table + " " + ExportedRows.DDL,
                "CREATE INDEX " + table + "_batch ON " + table + " (xt_batch_id, id)");
        this.connection = h.source();
        connection.setAutoCommit(false);
    }

    /** Commits one batch of a random size; returns its id. */
    synchronized long write() throws SQLException {
        return write(minRows + random.nextInt(maxRows - minRows + 1));
    }

    /** Commits one batch of {@code rows} rows in one transaction; returns its id. */
    synchronized long write(int rows) throws SQLException {
        long batch = nextBatch++;
        long first = nextId;
        nextId += rows;
        batches.put(batch, new long[] {first, rows});
        byFirstId.put(first, batch);
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + table
                + " (id, note, amount, xt_record_type, xt_batch_id) VALUES (?, ?, ?, ?, ?)")) {
            for (long id = first; id < first + rows; id++) {
                ps.setLong(1, id);
                ps.setString(2, ExportedRows.note(id));
                ps.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
                ps.setString(4, id % 3 == 0 ? "changed" : "new");
                ps.setLong(5, batch);
                ps.addBatch();
            }
            ps.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        return batch;
    }

    /** Writes a batch every {@code pause} (after the previous one committed) until {@link #stop}. */
    void start(Duration pause) {
        writer.scheduleWithFixedDelay(() -> {
            try {
                write();
            } catch (Throwable e) {
                failure = e;
                throw new IllegalStateException(e);
            }
        }, 0, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops writing (a batch being written is committed first). */
    void stop() throws InterruptedException {
        writer.shutdown();
        assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).as("the writer stopped").isTrue();
        assertThat(failure).as("the writer's failure").isNull();
    }

    /** The highest batch id written, 0 before the first. */
    long maxBatch() {
        return batches.isEmpty() ? 0 : batches.lastKey();
    }

    /** How many batches were written. */
    int count() {
        return batches.size();
    }

    /** How many rows were written. */
    long rows() {
        return batches.values().stream().mapToLong(b -> b[1]).sum();
    }

    /** The batch of row {@code id}, or -1 when no batch holds it. */
    long batchOf(long id) {
        Map.Entry<Long, Long> e = byFirstId.floorEntry(id);
        if (e == null) {
            return -1;
        }
        long[] b = batches.get(e.getValue());
        return id < b[0] + b[1] ? e.getValue() : -1;
    }

    /** The first id and the row count of {@code batch}; null when it was not written. */
    long[] batch(long batch) {
        return batches.get(batch);
    }

    /** Asserts that the source table holds exactly what was written: per batch, its rows and ids. */
    void assertSourceMatches() throws SQLException {
        Map<Long, long[]> actual = new TreeMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT xt_batch_id, min(id), count(*), max(id) FROM " + table
                     + " GROUP BY xt_batch_id")) {
            while (rs.next()) {
                assertThat(rs.getLong(4) - rs.getLong(2) + 1).as("ids of batch %d", rs.getLong(1))
                        .isEqualTo(rs.getLong(3));
                actual.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
            connection.commit();
        }
        assertThat(actual).as("the source's batches").hasSameSizeAs(batches);
        batches.forEach((b, expected) -> assertThat(actual.get(b)).as("batch %d", b).containsExactly(expected));
    }

    @Override
    public void close() throws SQLException {
        writer.shutdownNow();
        connection.close();
    }
}
