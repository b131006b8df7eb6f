package io.flowexport.dataset;

import java.sql.SQLException;

/**
 * The rows of one export run as the reader thread takes them from the source, whichever way they are read: a JDBC
 * result ({@link JdbcRows}) or PostgreSQL's binary COPY ({@link PgBinaryRows}). Both give the same canonical values
 * (see {@link ValueKind}) for the same row. One instance per run, used by one thread.
 */
public interface SourceRows extends AutoCloseable {

    /**
     * Reads the next row.
     *
     * @param into receives the output columns' canonical values (null for NULL), in output order
     * @return the row's {@code xt_batch_id}, {@link Long#MIN_VALUE} when the dataset has none or it is NULL,
     *         or null when there are no more rows
     * @throws SQLException when the stream breaks (e.g. the connection was terminated) or a value cannot be read
     */
    Long next(Object[] into) throws SQLException;

    /** Ends the read and gives the connection back (rolled back: a run only reads). */
    @Override
    void close() throws SQLException;
}
