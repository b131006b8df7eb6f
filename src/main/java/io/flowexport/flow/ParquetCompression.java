package io.flowexport.flow;

/** The Parquet compression codec ({@code exporter_config.compression}); default {@link #SNAPPY}. */
public enum ParquetCompression implements TomlEnum {
    SNAPPY("snappy"),
    GZIP("gzip"),
    ZSTD("zstd"),
    NONE("none");

    private final String toml;

    ParquetCompression(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
