package io.flowexport.format;

import io.flowexport.flow.FileFormat;
import io.flowexport.format.csv.CsvFormat;
import io.flowexport.format.json.JsonFormat;
import io.flowexport.format.parquet.ParquetFormat;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry of {@link ExportFormat} plugins: one plugin per {@link FileFormat}. Immutable once built.
 */
public final class ExportFormats {

    private final Map<FileFormat, ExportFormat> byFormat;

    private ExportFormats(Map<FileFormat, ExportFormat> byFormat) {
        this.byFormat = Collections.unmodifiableMap(byFormat);
    }

    /** The built-in formats: csv, json (and JSON Lines), parquet. */
    public static ExportFormats standard() {
        return of(List.of(new CsvFormat(), new JsonFormat(), new ParquetFormat()));
    }

    /**
     * A registry of the given plugins.
     *
     * @throws IllegalStateException when two plugins write the same format; the message names both classes
     */
    public static ExportFormats of(List<? extends ExportFormat> plugins) {
        Map<FileFormat, ExportFormat> map = new EnumMap<>(FileFormat.class);
        for (ExportFormat plugin : plugins) {
            ExportFormat previous = map.putIfAbsent(plugin.format(), plugin);
            if (previous != null) {
                throw new IllegalStateException(String.format(
                        "two format plugins write '%s': %s and %s; remove one of them",
                        plugin.format().toml(), previous.getClass().getName(), plugin.getClass().getName()));
            }
        }
        return new ExportFormats(map);
    }

    /**
     * The plugin that writes {@code format}.
     *
     * @throws IllegalArgumentException when no plugin is registered for it; the message lists the known formats
     */
    public ExportFormat get(FileFormat format) {
        ExportFormat plugin = byFormat.get(format);
        if (plugin == null) {
            throw new IllegalArgumentException(String.format("no writer for format '%s'; known: %s",
                    format.toml(), byFormat.isEmpty() ? "(none)"
                            : byFormat.keySet().stream().map(FileFormat::toml).collect(Collectors.joining(", "))));
        }
        return plugin;
    }

    /** The registered formats, in {@link FileFormat} order. */
    public Set<FileFormat> formats() {
        return byFormat.keySet();
    }
}
