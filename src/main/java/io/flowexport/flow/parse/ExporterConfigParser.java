package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.ParquetCompression;
import io.flowexport.flow.TextEncoding;
import io.flowexport.flow.TomlEnum;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.TomlArray;

/** Reads {@code properties.export.exporter_config} into the {@link FormatOptions} of the flow's format. */
final class ExporterConfigParser {

    static final Map<FileFormat, Set<String>> KEYS = Map.of(
            FileFormat.CSV, Set.of("delimiter", "include_header", "encoding", "columns"),
            FileFormat.JSON, Set.of("indent", "jsonl", "ensure_ascii", "encoding", "columns"),
            FileFormat.PARQUET, Set.of("compression", "columns", "index"));

    private ExporterConfigParser() {
    }

    /** The columns to export; empty when absent or invalid (reported). */
    static List<String> columns(TomlView cfg) {
        if (cfg == null || !cfg.has("columns")) {
            return List.of();
        }
        TomlArray a = cfg.array("columns", "an array of column names");
        if (a == null) {
            return List.of();
        }
        String key = cfg.key("columns");
        if (a.isEmpty()) {
            cfg.problems().error(cfg.pos("columns"), key,
                    "columns is empty; list the columns to export, or remove columns to export all of them");
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Object v = a.get(i);
            SourcePosition at = cfg.elementPos(a, i);
            if (!(v instanceof String s)) {
                cfg.problems().error(at, key, "expected a column name (a string), found " + TomlView.typeName(v));
            } else if (cfg.tooLong(s, at, key)) {
                continue;
            } else if (s.isBlank()) {
                cfg.problems().error(at, key, "empty column name; remove it or write the column's name");
            } else if (!seen.add(s.toLowerCase(java.util.Locale.ROOT))) {
                cfg.problems().error(at, key, "column '" + s + "' is listed twice; remove one");
            } else {
                cfg.context().positions().putElement(key, s, at);
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The options for {@code format}, or null when {@code format} is null; an invalid value (reported) takes its
     * default, so the result is only meaningful when no error was reported.
     *
     * @param cfg          the exporter_config table, or null when absent
     * @param jsonlDefault whether JSON Lines is the default (the path ends in {@code .jsonl})
     */
    static FormatOptions parse(TomlView cfg, FileFormat format, boolean jsonlDefault) {
        List<String> columns = columns(cfg);
        if (cfg != null) {
            checkKeys(cfg, format);
        }
        if (format == null) {
            return null;
        }
        return switch (format) {
            case CSV -> csv(cfg, columns);
            case JSON -> json(cfg, columns, jsonlDefault);
            case PARQUET -> parquet(cfg, columns);
        };
    }

    private static void checkKeys(TomlView cfg, FileFormat format) {
        Set<String> all = new TreeSet<>();
        KEYS.values().forEach(all::addAll);
        for (String k : cfg.keys()) {
            if (format != null && KEYS.get(format).contains(k)) {
                continue;
            }
            if (format != null && all.contains(k)) {
                String owners = KEYS.entrySet().stream().filter(e -> e.getValue().contains(k))
                        .map(e -> e.getKey().toml()).sorted().reduce((x, y) -> x + " and " + y).orElse("");
                cfg.problems().error(cfg.pos(k), cfg.key(k), "'" + k + "' is a " + owners
                        + " option, but this flow writes " + format.toml() + "; remove it or change format");
            } else if (!all.contains(k)) {
                cfg.unknown(k, format != null ? KEYS.get(format) : all);
            }
        }
    }

    private static FormatOptions.Csv csv(TomlView cfg, List<String> columns) {
        FormatOptions.Csv d = FormatOptions.Csv.defaults();
        if (cfg == null) {
            return d;
        }
        Character delimiter = delimiter(cfg);
        Boolean header = cfg.bool("include_header");
        TextEncoding encoding = encoding(cfg);
        return new FormatOptions.Csv(delimiter != null ? delimiter : d.delimiter(),
                header != null ? header : d.includeHeader(), encoding != null ? encoding : d.encoding(), columns);
    }

    private static Character delimiter(TomlView cfg) {
        String s = cfg.string("delimiter");
        if (s == null) {
            return null;
        }
        if (s.equals("\\t")) {
            return '\t';
        }
        if (s.length() != 1) {
            cfg.problems().error(cfg.pos("delimiter"), cfg.key("delimiter"), "delimiter must be exactly one "
                    + "character, found " + s.length() + " ('" + s + "'); write e.g. delimiter = \";\", "
                    + "or delimiter = \"\\t\" for a tab");
            return null;
        }
        char c = s.charAt(0);
        if (c == '"' || c == '\n' || c == '\r') {
            cfg.problems().error(cfg.pos("delimiter"), cfg.key("delimiter"),
                    "a quote or line break cannot separate fields; choose another delimiter such as ',' or ';'");
            return null;
        }
        return c;
    }

    private static TextEncoding encoding(TomlView cfg) {
        String s = cfg.string("encoding");
        if (s == null) {
            return null;
        }
        TextEncoding e = TextEncoding.parse(s).orElse(null);
        if (e == null) {
            cfg.problems().error(cfg.pos("encoding"), cfg.key("encoding"), "unknown encoding '" + s + "'; known: "
                    + String.join(", ", TomlEnum.spellings(TextEncoding.class)));
        }
        return e;
    }

    private static FormatOptions.Json json(TomlView cfg, List<String> columns, boolean jsonlDefault) {
        FormatOptions.Json d = FormatOptions.Json.defaults();
        if (cfg == null) {
            return new FormatOptions.Json(d.indent(), jsonlDefault, d.ensureAscii(), d.encoding(), columns);
        }
        Long indent = cfg.integer("indent");
        if (indent != null && (indent < 0 || indent > 16)) {
            cfg.problems().error(cfg.pos("indent"), cfg.key("indent"),
                    "indent must be between 0 and 16 spaces, found " + indent);
            indent = null;
        }
        Boolean jsonl = cfg.bool("jsonl");
        Boolean ascii = cfg.bool("ensure_ascii");
        TextEncoding encoding = encoding(cfg);
        return new FormatOptions.Json(indent != null ? indent.intValue() : d.indent(),
                jsonl != null ? jsonl : jsonlDefault, ascii != null ? ascii : d.ensureAscii(),
                encoding != null ? encoding : d.encoding(), columns);
    }

    private static FormatOptions.Parquet parquet(TomlView cfg, List<String> columns) {
        if (cfg == null) {
            return FormatOptions.Parquet.defaults();
        }
        ParquetCompression c = cfg.enumValue("compression", ParquetCompression.class, "compression");
        if (cfg.has("index")) {
            cfg.problems().warning(cfg.pos("index"), cfg.key("index"),
                    "index is a pandas option and has no effect here (no index column is written); remove it");
        }
        return new FormatOptions.Parquet(c != null ? c : ParquetCompression.SNAPPY, columns);
    }
}
