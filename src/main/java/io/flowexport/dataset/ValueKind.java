package io.flowexport.dataset;

/**
 * The logical type of a column, which every format writer maps to its own types.
 *
 * <p>Each kind has one canonical Java representation that format writers receive (read by {@link JdbcRows}):
 * null is always allowed.
 */
public enum ValueKind {
    /** {@link Integer}: SMALLINT, INTEGER, TINYINT. */
    INT32,
    /** {@link Long}: BIGINT. */
    INT64,
    /** {@link java.math.BigDecimal}: NUMERIC, DECIMAL (exact). */
    DECIMAL,
    /** {@link Float}: REAL. */
    FLOAT32,
    /** {@link Double}: DOUBLE PRECISION, FLOAT. */
    FLOAT64,
    /** {@link Boolean}: BOOLEAN, BIT. */
    BOOLEAN,
    /** {@link java.time.LocalDate}: DATE. */
    DATE,
    /** {@link java.time.LocalTime}: TIME without zone. */
    TIME,
    /** {@link java.time.LocalDateTime}: TIMESTAMP without zone (a wall-clock time). */
    TIMESTAMP,
    /** {@link java.time.OffsetDateTime} at UTC: TIMESTAMP WITH TIME ZONE (an instant). */
    TIMESTAMP_TZ,
    /** {@link String}: CHAR, VARCHAR, TEXT, CLOB, UUID and any type without a better mapping. */
    STRING,
    /** {@code byte[]}: BINARY, VARBINARY, BYTEA, BLOB. */
    BINARY
}
