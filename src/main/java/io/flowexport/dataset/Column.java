package io.flowexport.dataset;

/**
 * One column of a dataset, from the database's metadata.
 *
 * @param name      the column name exactly as the database reports it
 * @param kind      the logical type format writers use
 * @param sqlType   the database's type name, e.g. {@code numeric}, {@code timestamptz}
 * @param precision total digits for {@link ValueKind#DECIMAL}; 0 when the database sets no bound
 * @param scale     digits after the point for {@link ValueKind#DECIMAL}; 0 otherwise
 * @param nullable  whether the column may hold NULL (true when unknown)
 */
public record Column(String name, ValueKind kind, String sqlType, int precision, int scale, boolean nullable) {

    /** A nullable column with no precision or scale. */
    public static Column of(String name, ValueKind kind) {
        return new Column(name, kind, kind.name().toLowerCase(java.util.Locale.ROOT), 0, 0, true);
    }

    /** True for a DECIMAL whose precision is known and fits Parquet's DECIMAL (1 to 38 digits). */
    public boolean hasBoundedPrecision() {
        return kind == ValueKind.DECIMAL && precision > 0 && precision <= 38 && scale >= 0 && scale <= precision;
    }
}
