package io.flowexport.flow;

import java.util.Optional;

/** The file format a flow writes ({@code properties.export.format}). */
public enum FileFormat implements TomlEnum {
    CSV("csv"),
    /** A JSON array, or JSON Lines when {@code exporter_config.jsonl = true}. */
    JSON("json"),
    PARQUET("parquet");

    private final String toml;

    FileFormat(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }

    /**
     * The format implied by a file name's extension: {@code .csv}, {@code .json}, {@code .jsonl} (JSON Lines),
     * {@code .parquet}; case-insensitive.
     *
     * @return the format, or empty when the extension names none
     */
    public static Optional<FileFormat> fromExtension(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return Optional.of(JSON);
        }
        if (lower.endsWith(".parquet")) {
            return Optional.of(PARQUET);
        }
        return Optional.empty();
    }
}
