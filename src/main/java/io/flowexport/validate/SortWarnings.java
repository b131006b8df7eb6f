package io.flowexport.validate;

import io.flowexport.dataset.Dataset;
import io.flowexport.destination.DestinationTypes;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Problems;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.DestinationCatalog;
import io.flowexport.flow.Flow;
import io.flowexport.flow.parse.FlowParser;
import io.flowexport.query.SortCheck;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code validate}'s warning that the source database sorts an export's rows because no index has the export's
 * order ({@link SortCheck}): one warning per dataset, however many flows read it, on the first flow file (by file
 * name) whose export sorts, at its {@code source_dataset_id}, naming the flows and the {@code CREATE INDEX} that
 * lets the database read the rows in order. A warning, never an error: the export works, only slower.
 */
public final class SortWarnings {

    private static final String KEY = "properties.export.source_dataset_id";

    private SortWarnings() {
    }

    /**
     * What the sort check found for one flow.
     *
     * @param dataset the dataset the flow's export reads
     * @param sort    the check of the flow's next export query
     */
    public record Checked(Dataset dataset, SortCheck sort) {
    }

    /**
     * Adds the warnings to {@code set}.
     *
     * @param check the sort check of an export flow's next query; empty when it could not be done (the flow then
     *              counts as not sorting: the check is advice and must never make {@code validate} fail)
     * @return {@code set} with one more warning per dataset whose exports sort for want of an index
     */
    public static FlowSet add(FlowSet set, Function<Flow, Optional<Checked>> check) {
        Map<String, List<Finding>> byDataset = new LinkedHashMap<>();
        for (FileOutcome f : set.files()) {
            if (f.flow() == null || !f.flow().isExport()) {
                continue;
            }
            Optional<Checked> c = check.apply(f.flow());
            if (c.isPresent() && c.get().sort().needsIndex()) {
                Dataset ds = c.get().dataset();
                String table = (ds.schema() == null ? "" : ds.schema() + ".") + ds.table();
                byDataset.computeIfAbsent(table, k -> new ArrayList<>()).add(new Finding(f, c.get()));
            }
        }
        if (byDataset.isEmpty()) {
            return set;
        }
        Map<FileOutcome, Problem> warnings = new LinkedHashMap<>();
        for (List<Finding> findings : byDataset.values()) {
            Finding first = findings.get(0);
            warnings.put(first.file, warning(first.file, message(findings)));
        }
        List<FileOutcome> files = set.files().stream().map(f -> warnings.containsKey(f) ? with(f, warnings.get(f))
                : f).toList();
        return new FlowSet(files, set.destinations());
    }

    private static String message(List<Finding> findings) {
        Finding first = findings.get(0);
        SortCheck sort = first.checked.sort();
        List<String> ids = findings.stream().map(f -> "'" + f.file.flow().id() + "'").toList();
        String who = (ids.size() == 1 ? "the export of flow " : "the exports of flows ") + String.join(", ", ids);
        String largest = findings.stream().map(f -> f.checked.sort().plan()).filter(p -> p != null)
                .max(Comparator.comparingLong(p -> p.sortedRows()))
                .map(p -> String.format(java.util.Locale.ROOT, "PostgreSQL plans %s (~%,d rows sorted)", p.shape(),
                        p.sortedRows()))
                .orElse("judged from its indexes");
        return who + " make" + (ids.size() == 1 ? "s" : "") + " the source database sort dataset '"
                + first.checked.dataset().table() + "' by " + sort.columns() + " (" + largest + "): no index starts"
                + " with these columns; an index that does lets it read the rows in order instead (its planner may"
                + " still sort a small read, such as one batch): " + sort.createIndex();
    }

    /** The warning at the file's {@code source_dataset_id} (re-read from the file; 1:1 when it cannot be). */
    private static Problem warning(FileOutcome f, String message) {
        Problems problems = new Problems(f.file());
        problems.warning(position(f), KEY, message);
        return problems.sorted().get(0);
    }

    private static SourcePosition position(FileOutcome f) {
        FlowFileReader.Result r = FlowFileReader.read(f.file());
        if (r.text() == null) {
            return SourcePosition.START;
        }
        try {
            return FlowParser.parse(f.file(), r.text(), r.version(), DestinationCatalog.EMPTY,
                    DestinationTypes.registry()).positions().key(KEY);
        } catch (RuntimeException e) {
            return SourcePosition.START; // the file changed since it was loaded: the warning still counts
        }
    }

    private static FileOutcome with(FileOutcome f, Problem p) {
        List<Problem> problems = new ArrayList<>(f.problems());
        problems.add(p);
        problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return new FileOutcome(f.file(), f.version(), f.flowId(), f.flow(), problems);
    }

    private record Finding(FileOutcome file, Checked checked) {
    }
}
