package io.flowexport.run;

import java.time.Duration;

/**
 * How far a run in progress has come, as of one moment: an immutable snapshot taken by {@link FlowRun#progress()}
 * from any thread (e.g. a progress display), while the run's own threads go on writing.
 *
 * @param rows    rows written to the staged file so far (counted per chunk of rows, or per row of a PostgreSQL
 *                COPY every few hundred rows); 0 before the export stage writes
 * @param bytes   bytes in the staged file so far, as the file system reports its size: what has left the writer's
 *                buffers (a Parquet file grows a row group at a time); the last size seen once the file was
 *                handed over and moved
 * @param elapsed time since the run began (monotonic clock), never negative
 */
public record RunProgress(long rows, long bytes, Duration elapsed) {

    /** Nothing written yet, at {@code elapsed}. */
    public static RunProgress none(Duration elapsed) {
        return new RunProgress(0, 0, elapsed);
    }

    /** The average rate since the run began, rows per second; 0 while no time has passed. */
    public double rowsPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : rows * 1e9 / nanos;
    }
}
