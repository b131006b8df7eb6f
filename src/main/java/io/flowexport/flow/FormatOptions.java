package io.flowexport.flow;

import java.util.List;

/**
 * The typed {@code exporter_config} of a flow: one record per {@link FileFormat}.
 *
 * <p>{@link #columns()} is the subset and order of dataset columns to write; empty means every column in the
 * dataset's order.
 */
public sealed interface FormatOptions {

    /** The format these options configure. */
    FileFormat format();

    /** Columns to export, in output order; empty for all columns. */
    List<String> columns();

    /**
     * CSV options.
     *
     * @param delimiter     field separator, one character; default {@code ,}
     * @param includeHeader whether the first line holds the column names; default true
     * @param encoding      text encoding; default UTF-8
     * @param columns       columns to export; empty for all
     */
    record Csv(char delimiter, boolean includeHeader, TextEncoding encoding, List<String> columns)
            implements FormatOptions {
        public Csv {
            columns = List.copyOf(columns);
        }

        /** The defaults: comma, header, UTF-8, every column. */
        public static Csv defaults() {
            return new Csv(',', true, TextEncoding.UTF_8, List.of());
        }

        @Override
        public FileFormat format() {
            return FileFormat.CSV;
        }
    }

    /**
     * JSON and JSON Lines options.
     *
     * @param indent      spaces per nesting level for a JSON array; 0 writes it compact; ignored for JSON Lines
     * @param jsonl       one JSON object per line instead of one array; default false
     * @param ensureAscii escape every non-ASCII character as {@code \}{@code uXXXX}; default false
     * @param encoding    text encoding; default UTF-8
     * @param columns     columns to export; empty for all
     */
    record Json(int indent, boolean jsonl, boolean ensureAscii, TextEncoding encoding, List<String> columns)
            implements FormatOptions {
        public Json {
            columns = List.copyOf(columns);
        }

        /** The defaults: compact array, no escaping, UTF-8, every column. */
        public static Json defaults() {
            return new Json(0, false, false, TextEncoding.UTF_8, List.of());
        }

        @Override
        public FileFormat format() {
            return FileFormat.JSON;
        }
    }

    /**
     * Parquet options.
     *
     * @param compression codec for every column chunk; default snappy
     * @param columns     columns to export; empty for all
     */
    record Parquet(ParquetCompression compression, List<String> columns) implements FormatOptions {
        public Parquet {
            columns = List.copyOf(columns);
        }

        /** The defaults: snappy, every column. */
        public static Parquet defaults() {
            return new Parquet(ParquetCompression.SNAPPY, List.of());
        }

        @Override
        public FileFormat format() {
            return FileFormat.PARQUET;
        }
    }
}
