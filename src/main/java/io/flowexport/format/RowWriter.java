package io.flowexport.format;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes rows of one export into one file, in a format chosen by {@link ExportFormat#open}.
 *
 * <p>Rows arrive in the canonical Java types of their columns' {@link io.flowexport.dataset.ValueKind}
 * (null allowed). A writer is used by one thread. {@link #close()} completes the file (footer, closing bracket)
 * and flushes it; it does not fsync: the publisher does that.
 */
public interface RowWriter extends Closeable {

    /**
     * Writes one row.
     *
     * @param values one value per column, in the column order given to {@link ExportFormat#open}
     * @throws UnrepresentableValueException when a text value cannot be encoded in the configured encoding
     * @throws IOException                   when the file cannot be written
     */
    void write(Object[] values) throws IOException;

    /** Completes and closes the file. After a failed {@link #write}, the caller deletes the file instead. */
    @Override
    void close() throws IOException;
}
