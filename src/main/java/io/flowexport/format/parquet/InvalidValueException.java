package io.flowexport.format.parquet;

/**
 * A value that its column cannot hold (NULL in a REQUIRED column, a decimal that does not fit, a time beyond
 * the INT64 microsecond range). Unchecked because {@code WriteSupport.write} cannot throw {@link java.io.IOException};
 * {@link ParquetRowWriter} turns it into one. The message names the column and the row.
 */
final class InvalidValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
