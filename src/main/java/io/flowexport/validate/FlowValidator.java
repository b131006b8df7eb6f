package io.flowexport.validate;

import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.DatasetCatalogException;
import io.flowexport.destination.DestinationTypes;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Problems;
import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.ExportDraft;
import io.flowexport.flow.parse.FlowPositions;
import io.flowexport.flow.parse.ParsedFlow;
import io.flowexport.flow.parse.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of an export flow that need context: the file path against the export directory, and, when a
 * {@link DatasetCatalog} is given, the source dataset, its columns and its kind against the export mode (or, while
 * the source database cannot be used, a warning that they were postponed or an error that they were not done,
 * naming the problem in short: the command says it in full once).
 * Runs on the {@link ExportDraft}, so it also reports problems of files whose other keys have errors.
 */
public final class FlowValidator {

    private static final String EXPORT = "properties.export.";
    private static final int MAX_LISTED = 20;

    private FlowValidator() {
    }

    /**
     * Checks {@code parsed}; does nothing for non-export flows.
     *
     * @return the problems found (none of {@code parsed.problems()}), unsorted
     */
    public static List<Problem> validate(ParsedFlow parsed, ValidationContext ctx) {
        Problems problems = new Problems(parsed.file());
        ExportDraft draft = parsed.export();
        if (draft == null) {
            return List.of();
        }
        FlowPositions positions = parsed.positions();
        for (ExportDraft.Target t : draft.destinations()) {
            // placeholders are rendered with harmless sample values; ids and namespaces cannot hold '/'
            DestinationTypes.registry().localFiles(t.spec()).forEach((k, path) -> PathChecks.check(
                    k.isEmpty() ? t.key() : table(t) + "." + k, path, parsed.id() != null ? parsed.id() : "flow",
                    "public", ctx.exportDir(), positions, problems));
        }
        if (ctx.catalog() != null && draft.sourceDatasetId() != null) {
            database(draft, ctx.catalog(), positions, problems);
        } else if (ctx.sourceDown() != null && draft.sourceDatasetId() != null) {
            // the command says why in full once; each flow only refers to it
            String key = EXPORT + "source_dataset_id";
            if (ctx.sourcePostponed()) {
                problems.warning(positions.key(key), key, "not checked: " + ctx.sourceDown() + "; the dataset and "
                        + "its columns are checked when it answers, and runs fail until then");
            } else {
                problems.error(positions.key(key), key, "not checked: " + ctx.sourceDown() + " (see above)");
            }
        }
        return problems.sorted();
    }

    private static void database(ExportDraft draft, DatasetCatalog catalog, FlowPositions positions,
                                 Problems problems) {
        String key = EXPORT + "source_dataset_id";
        Optional<Dataset> found;
        String id = draft.sourceDatasetId();
        int control = firstControl(id);
        try {
            // no table or view name holds a control character, and some drivers fail on one (NUL) in a lookup
            found = control >= 0 ? Optional.empty() : catalog.find(id);
            if (found.isEmpty()) {
                List<String> ids = catalog.datasetIds();
                String why = control < 0 ? "" : String.format(" (it holds the control character U+%04X at position "
                        + "%d, which no table or view name has)", (int) id.charAt(control), control + 1);
                problems.error(positions.key(key), key, "unknown dataset '" + id + "'" + why
                        + hint(id, ids, "datasets in the current schema")
                        + "; write the name of a table or view, optionally as schema.name");
                return;
            }
        } catch (DatasetCatalogException e) {
            problems.error(positions.key(key), key, "cannot check the source dataset: the source database could not"
                    + " be read: " + e.getMessage() + "; check the connection settings");
            return;
        }
        Dataset ds = found.get();
        columns(draft, ds, positions, problems);
        kind(draft, ds, positions, problems);
        ExportMode mode = draft.exportMode();
        if (mode != null && mode != ExportMode.FULL && !ds.hasBatchId()) {
            String k = EXPORT + "export_mode";
            problems.error(positions.key(k, positions.key(key)), k, "export_mode = \"" + mode.toml()
                    + "\" needs an " + Dataset.BATCH_ID + " column, which dataset '" + ds.id() + "' does not have;"
                    + " use export_mode = \"full\" or a dataset with " + Dataset.BATCH_ID);
        }
        for (ExportDraft.Target t : draft.destinations()) {
            Map<String, List<String>> named = DestinationTypes.registry().namedColumns(t.spec());
            if (!named.isEmpty()) {
                namedColumns(draft, ds, t, named, positions, problems);
                continue;
            }
            String path = t.spec().template();
            if (mode == ExportMode.BATCH || ds.hasBatchId()) {
                continue;
            }
            PathTemplate template = new PathTemplate(path);
            boolean written = DestinationTypes.registry().provider(t.spec().type()).templateAsWritten();
            List<String> names = template.placeholders();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equals("batch_id")) {
                    problems.error(written ? positions.inString(t.key(), template.placeholderOffsets().get(i))
                            : positions.key(t.key()),
                            t.key(), "{batch_id} needs an " + Dataset.BATCH_ID + " column, which dataset '"
                                    + ds.id() + "' does not have (or export_mode = \"batch\"); remove {batch_id}"
                                    + " or use {ds} or {run_id}");
                }
            }
        }
    }

    /** The columns a destination names (e.g. message_key, properties, partition_key, session_id). */
    private static void namedColumns(ExportDraft draft, Dataset ds, ExportDraft.Target t,
                                     Map<String, List<String>> byKey, FlowPositions positions, Problems problems) {
        String table = table(t);
        Map<String, List<String>> named = new LinkedHashMap<>();
        byKey.forEach((k, columns) -> named.put(table + "." + k, columns));
        List<String> output = draft.columns().isEmpty() ? ds.columns().stream().map(c -> c.name()).toList()
                : draft.columns();
        for (Map.Entry<String, List<String>> n : named.entrySet()) {
            String key = n.getKey();
            for (String c : n.getValue()) {
                if (output.stream().noneMatch(o -> o.equalsIgnoreCase(c))) {
                    problems.error(positions.element(key, c, positions.key(t.key())), key, "column '" + c
                            + "' is not in the export (dataset '" + ds.id() + "'"
                            + (draft.columns().isEmpty() ? "" : ", exporter_config columns") + ")"
                            + hint(c, output, "its columns") + "; message_key, partition_key, session_id and "
                            + "properties name exported columns");
                }
            }
        }
    }

    /**
     * The dotted key of a messaging destination's table: {@link ExportDraft.Target#key()} is the table, or its
     * {@code ref} when it has one (then its values may come from the catalogue entry).
     */
    private static String table(ExportDraft.Target t) {
        return t.key().endsWith(".ref") ? t.key().substring(0, t.key().length() - ".ref".length()) : t.key();
    }

    private static void columns(ExportDraft draft, Dataset ds, FlowPositions positions, Problems problems) {
        String key = EXPORT + "exporter_config.columns";
        List<String> names = ds.columns().stream().map(c -> c.name()).toList();
        for (String column : draft.columns()) {
            if (ds.column(column).isEmpty()) {
                int control = firstControl(column);
                String why = control < 0 ? "" : String.format(" (it holds the control character U+%04X at "
                        + "position %d, which no column name has)", (int) column.charAt(control), control + 1);
                problems.error(positions.element(key, column), key, "unknown column '" + column + "' in dataset '"
                        + ds.id() + "'" + why + hint(column, names, "its columns") + "; list columns of the dataset, "
                        + "or remove columns to export all of them");
            }
        }
    }

    /** The index of the first control character (U+0000 to U+001F, U+007F to U+009F) in {@code s}, or -1. */
    private static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void kind(ExportDraft draft, Dataset ds, FlowPositions positions, Problems problems) {
        if (draft.sourceDatasetType() != DatasetKind.CHANGE_FEED || (ds.hasRecordType() && ds.hasBatchId())) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!ds.hasRecordType()) {
            missing.add(Dataset.RECORD_TYPE);
        }
        if (!ds.hasBatchId()) {
            missing.add(Dataset.BATCH_ID);
        }
        String key = EXPORT + "source_dataset_type";
        problems.error(positions.key(key), key, "source_dataset_type = \"change_feed\" but dataset '" + ds.id()
                + "' has no " + String.join(" or ", missing) + " column; a change feed has both " + Dataset.RECORD_TYPE
                + " and " + Dataset.BATCH_ID + "; remove source_dataset_type or choose a change feed dataset");
    }

    /** "; did you mean 'x'?" or "; label: a, b, c" (at most {@value #MAX_LISTED} names listed). */
    private static String hint(String wrong, List<String> names, String label) {
        Optional<String> near = Suggestions.nearest(wrong, names);
        if (near.isPresent()) {
            return "; did you mean '" + near.get() + "'?";
        }
        if (names.isEmpty()) {
            return "; " + label + ": none";
        }
        List<String> listed = names.size() <= MAX_LISTED ? names : names.subList(0, MAX_LISTED);
        return "; " + label + ": " + String.join(", ", listed) + (listed.size() < names.size() ? ", ..." : "");
    }
}
