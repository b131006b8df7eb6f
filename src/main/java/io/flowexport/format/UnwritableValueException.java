package io.flowexport.format;

import java.io.IOException;

/**
 * A value that its column in the export's format cannot hold: NULL in a column the file declares required, a
 * decimal beyond its declared precision or scale, a timestamp beyond Parquet's INT64 microsecond range, a character
 * the file's encoding cannot represent ({@link UnrepresentableValueException}). The
 * message names the column, the 1-based row and what to do. It is the data, not the file system: the run fails,
 * publishes nothing and keeps its watermark, and says so without pointing at the disk.
 */
public class UnwritableValueException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the column and the 1-based row, e.g. {@code column 'ts' in row 2: ...}
     * @param cause   what the format's writer threw, or null
     */
    public UnwritableValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
