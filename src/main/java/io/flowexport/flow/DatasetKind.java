package io.flowexport.flow;

/**
 * The kind of a source dataset, which decides the query an export mode generates
 * ({@code properties.export.source_dataset_type} states it; otherwise it is detected from the dataset).
 */
public enum DatasetKind implements TomlEnum {
    /** Has {@code xt_record_type} (new, changed, deleted, ...) and {@code xt_batch_id}. */
    CHANGE_FEED("change_feed"),
    /** Rows are transactions, all changes by definition; named {@code *delta_transaction*}. */
    DELTA_TRANSACTION("delta_transaction"),
    /** Any other table or view, e.g. a staging table with {@code xt_batch_id}. */
    OTHER("other");

    private final String toml;

    DatasetKind(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
