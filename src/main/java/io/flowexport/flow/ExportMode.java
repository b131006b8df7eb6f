package io.flowexport.flow;

/** What part of a dataset a run exports ({@code properties.export.export_mode}); default {@link #FULL}. */
public enum ExportMode implements TomlEnum {
    /** Every row of the dataset. */
    FULL("full"),
    /** The rows of one configured batch ({@code batch_id}). */
    BATCH("batch"),
    /** New and changed rows (change feed) or the latest batch (other datasets), above the flow's watermark. */
    INCREMENTAL("incremental"),
    /** New, changed and deleted rows (change feed) or every change, above the flow's watermark. */
    CHANGES_ONLY("changes_only");

    private final String toml;

    ExportMode(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }

    /** True for the modes that read and advance the flow's watermark. */
    public boolean usesWatermark() {
        return this == INCREMENTAL || this == CHANGES_ONLY;
    }
}
