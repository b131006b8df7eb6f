package io.flowexport.run;

import io.flowexport.query.ExportQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Runs an export's {@code COPY (query) TO STDOUT} on the PostgreSQL source through pgjdbc's CopyManager,
 * streaming the database's CSV straight into the staged file, and reads the export's batch range in the same
 * REPEATABLE READ snapshot, so range and rows agree.
 */
public final class PostgresCopy {

    /** Rows between two progress reports of a COPY. */
    static final int PROGRESS_ROWS = 512;

    private final DataSource source;
    private final boolean binary;

    /**
     * @param source the PostgreSQL source (connections are read-only with auto-commit off)
     * @param binary whether exports off the CSV COPY path read their rows by binary COPY
     *               ({@code flowexport.source.copy-binary}) instead of a JDBC cursor
     */
    public PostgresCopy(DataSource source, boolean binary) {
        this.source = source;
        this.binary = binary;
    }

    /** Whether exports off the CSV COPY path read by binary COPY ({@link io.flowexport.dataset.PgBinaryRows}). */
    boolean binary() {
        return binary;
    }

    /**
     * Streams the COPY output into {@code out} and returns the rows and batch range it wrote.
     *
     * @param copySql the COPY statement (see {@link io.flowexport.query.CsvCopy})
     * @throws SQLException when the query fails or the connection breaks
     * @throws IOException  when {@code out} cannot be written
     */
    Written copy(FlowRun run, ExportQuery q, String copySql, OutputStream out) throws SQLException, IOException {
        Long first = null;
        Long last = null;
        long rows;
        try (Connection c = source.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            run.onAbort(pg::cancelQuery);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                if (q.batchRangeSql() != null) {
                    ExportQuery.BatchRange range = q.readBatchRange(c);
                    first = range.first();
                    last = range.last();
                }
                rows = copyOut(run, pg.getCopyAPI().copyOut(copySql), out);
            } catch (IOException e) {
                // The output failed (a full disk): pgjdbc cancels the COPY, but the connection can stay out of step
                // with the server, and the next query on it reads the COPY's leftovers. It must not go back to the
                // pool, where it would fail the next flows.
                discard(c);
                throw e;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    e.addSuppressed(lost); // a broken connection cannot roll back: the first failure says why
                }
                throw e;
            }
            c.rollback();
        }
        return new Written(rows, first, last);
    }

    /**
     * Drains a COPY into {@code out}, reporting the rows so far to {@code run} every {@value #PROGRESS_ROWS} rows
     * (PostgreSQL sends one CopyData message per row of a COPY TO). The error handling is pgjdbc's own
     * {@code CopyManager.copyOut(String, OutputStream)}: when {@code out} fails, the COPY is cancelled and read to
     * its end, so that the connection is not left locked.
     *
     * @return the rows the server says it sent
     */
    private static long copyOut(FlowRun run, CopyOut copy, OutputStream out) throws SQLException, IOException {
        byte[] buf;
        long rows = 0;
        try {
            while ((buf = copy.readFromCopy()) != null) {
                out.write(buf);
                if (++rows % PROGRESS_ROWS == 0) {
                    run.wrote(rows);
                }
            }
            run.wrote(rows);
            return copy.getHandledRowCount();
        } catch (IOException e) {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
            try {
                while (copy.readFromCopy() != null) {
                    // drain until the server ends or cancels the COPY
                }
            } catch (SQLException cancelled) {
                // the cancel's expected end; the output's failure is the one to report
            }
            throw e;
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Closes the connection for good: evicted from the pool, or closed when it does not come from one. */
    private void discard(Connection c) {
        io.flowexport.dataset.PgBinaryRows.discard(source, c);
    }
}
