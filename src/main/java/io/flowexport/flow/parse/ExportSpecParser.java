package io.flowexport.flow.parse;

import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.IfExists;
import io.flowexport.flow.PathTemplate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Reads {@code [properties.export]}: the shape checks that need nothing but the file. */
final class ExportSpecParser {

    static final Set<String> KEYS = Set.of("source_dataset_id", "source_dataset_type", "file_path", "destination",
            "destinations", "export_mode", "batch_id", "format", "exporter_config", "settle_time", "if_exists");

    /** The draft (always) and the spec (null when a needed value is missing or invalid). */
    record Result(ExportDraft draft, ExportSpec spec) {
    }

    private ExportSpecParser() {
    }

    /** {@code settle_time}: a duration, 0s allowed; only incremental modes use it (a warning otherwise). */
    private static java.time.Duration settleTime(TomlView v, ExportMode mode) {
        String k = "settle_time";
        if (!v.has(k)) {
            return java.time.Duration.ZERO;
        }
        String s = v.string(k);
        if (s == null) {
            return java.time.Duration.ZERO;
        }
        java.time.Duration d = io.flowexport.flow.Durations.parse(s).orElse(null);
        if (d == null || d.compareTo(java.time.Duration.ofHours(1)) > 0) {
            v.problems().error(v.pos(k), v.key(k), "invalid settle_time '" + s + "'; write a number and a unit, "
                    + "at most 1h: 0s, 500ms, 30s, 5m");
            return java.time.Duration.ZERO;
        }
        if (!d.isZero() && !mode.usesWatermark()) {
            v.problems().warning(v.pos(k), v.key(k), "settle_time applies to export_mode \"incremental\" and "
                    + "\"changes_only\" only; export_mode \"" + mode.toml() + "\" ignores it");
        }
        return d;
    }

    /**
     * {@code if_exists}: {@code overwrite} or {@code fail}, or null when absent (the export mode's default). Only
     * file destinations use it: a warning when the flow has none.
     */
    private static IfExists ifExists(TomlView v, List<ExportDraft.Target> targets) {
        String k = "if_exists";
        if (!v.has(k)) {
            return null;
        }
        IfExists value = v.enumValue(k, IfExists.class, k);
        if (value != null && !targets.isEmpty()
                && targets.stream().noneMatch(t -> DestinationParser.FILE.equals(t.spec().type()))) {
            v.problems().warning(v.pos(k), v.key(k), "if_exists applies to file destinations (file_path, type = "
                    + "\"file\"), and this flow has none; remove it (an adls or onelake destination says whether it "
                    + "replaces an existing file with its own key overwrite = true or false)");
        }
        return value;
    }

    /**
     * An incremental flow that keeps existing files by default ({@code if_exists} not set) and whose file
     * destination's path can give two runs' files one name (no {@code {batch_id}}, {@code {run_id}} or
     * {@code {ts}}): each run after the first fails while the previous run's file is still there. A warning that
     * says so and how to choose.
     */
    private static void sameNameEachRun(TomlView v, List<ExportDraft.Target> targets, ExportMode mode) {
        if (mode == null || !mode.usesWatermark() || v.has("if_exists")) {
            return;
        }
        for (ExportDraft.Target t : targets) {
            PathTemplate path = new PathTemplate(t.spec().template());
            if (DestinationParser.FILE.equals(t.spec().type()) && Stream.of("batch_id", "run_id", "ts", "ts_nodash")
                    .noneMatch(path::uses)) {
                v.problems().warning(v.context().positions().key(t.key(), v.header()), t.key(), "'"
                        + t.spec().template() + "' can give two runs' files one name (it has no {batch_id}, "
                        + "{run_id} or {ts}), and export_mode \"" + mode.toml() + "\" keeps a file that has the name "
                        + "(if_exists = \"fail\", its default): a run fails while the previous run's file is still "
                        + "there; put {batch_id} in the path, or set if_exists = \"overwrite\" to replace the file each "
                        + "run, or if_exists = \"fail\" to keep it until a reader moves it away");
            }
        }
    }

    static Result parse(TomlView v) {
        v.checkKeys(KEYS);
        String sourceId = v.string("source_dataset_id");
        if (sourceId == null && !v.has("source_dataset_id")) {
            v.missing("source_dataset_id", "set source_dataset_id = \"<table or view>\", the dataset to export");
        } else if (sourceId != null && sourceId.isBlank()) {
            v.problems().error(v.pos("source_dataset_id"), v.key("source_dataset_id"),
                    "source_dataset_id is empty; name the table or view to export");
            sourceId = null;
        }
        DatasetKind kind = v.enumValue("source_dataset_type", DatasetKind.class, "source_dataset_type");
        String filePath = v.string("file_path");
        if (!v.has("file_path") && !v.has("destination") && !v.has("destinations")) {
            v.missing("file_path", "set file_path = \"exports/<name>.csv\" (relative to the export directory), or "
                    + "describe where the export goes in [properties.export.destination]");
        }
        List<ExportDraft.Target> targets = DestinationParser.parseExport(v, filePath, v.context().catalogue());
        // the first file-like destination (a local file, a lake file) gives the format by its extension
        String firstPath = targets.stream().map(t -> v.context().destinations().fileTemplate(t.spec()))
                .filter(p -> p != null).findFirst().orElse(null);
        ExportMode mode = v.has("export_mode")
                ? v.enumValue("export_mode", ExportMode.class, "export_mode") : ExportMode.FULL;
        Long batchId = batchId(v, mode);
        FileFormat format = format(v, firstPath, targets.isEmpty());
        String lower = firstPath == null ? "" : firstPath.toLowerCase(Locale.ROOT);
        boolean jsonlDefault = lower.endsWith(".jsonl") || lower.endsWith(".ndjson");
        for (ExportDraft.Target t : targets) {
            String refused = format == null ? null : v.context().destinations().refuses(t.spec(), format);
            if (refused != null) {
                v.problems().error(v.has("format") ? v.pos("format") : v.header(), t.key(), refused);
            }
        }
        TomlView cfg = v.table("exporter_config");
        FormatOptions options = ExporterConfigParser.parse(cfg, format, jsonlDefault);
        IfExists ifExists = ifExists(v, targets); // checked even when other keys have errors
        sameNameEachRun(v, targets, mode);
        ExportDraft draft = new ExportDraft(sourceId, kind, targets, mode, batchId,
                options != null ? options.columns() : ExporterConfigParser.columns(null));
        boolean complete = sourceId != null && !targets.isEmpty() && mode != null && options != null
                && (mode != ExportMode.BATCH || batchId != null);
        ExportSpec spec = complete ? new ExportSpec(sourceId, kind,
                targets.stream().map(ExportDraft.Target::spec).toList(), mode,
                mode == ExportMode.BATCH ? batchId : null, options, settleTime(v, mode), ifExists) : null;
        return new Result(draft, spec);
    }

    private static Long batchId(TomlView v, ExportMode mode) {
        Long batchId = v.integer("batch_id");
        if (batchId != null && batchId < 0) {
            v.problems().error(v.pos("batch_id"), v.key("batch_id"),
                    "batch_id must be 0 or more, found " + batchId);
            batchId = null;
        }
        if (mode == ExportMode.BATCH && !v.has("batch_id")) {
            v.missing("batch_id", "export_mode = \"batch\" needs batch_id = <n>, the batch to export");
        } else if (mode != null && mode != ExportMode.BATCH && v.has("batch_id")) {
            v.problems().warning(v.pos("batch_id"), v.key("batch_id"), "batch_id is ignored because export_mode = \""
                    + mode.toml() + "\"; remove it, or set export_mode = \"batch\"");
        }
        return batchId;
    }

    private static FileFormat format(TomlView v, String filePath, boolean noDestination) {
        Optional<FileFormat> fromExtension = filePath == null ? Optional.empty() : FileFormat.fromExtension(filePath);
        if (!v.has("format")) {
            if (filePath == null && !noDestination) {
                v.missing("format", "no file or lake destination gives the format by its extension; add format = \"csv\", "
                        + "\"json\" or \"parquet\"");
            } else if (fromExtension.isEmpty() && filePath != null) {
                v.problems().error(v.pos("file_path"), v.key("format"), "cannot tell the format from "
                        + (v.has("file_path") ? "file_path" : "the path") + " '" + filePath + "'; add format = \"csv\", \"json\" or \"parquet\", or end the path in .csv, "
                        + ".json, .jsonl or .parquet");
            }
            return fromExtension.orElse(null);
        }
        FileFormat format = v.enumValue("format", FileFormat.class, "format");
        if (format != null && fromExtension.isPresent() && fromExtension.get() != format) {
            v.problems().warning(v.pos("format"), v.key("format"), "format = \"" + format.toml()
                    + "\" but file_path ends in an extension for " + fromExtension.get().toml()
                    + "; the file will hold " + format.toml() + "; change the extension or the format");
        }
        return format;
    }
}
