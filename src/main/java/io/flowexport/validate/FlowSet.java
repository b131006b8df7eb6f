package io.flowexport.validate;

import io.flowexport.diag.Problem;
import io.flowexport.flow.Flow;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The result of loading a flow directory.
 *
 * @param files        one outcome per flow file, sorted by file name
 * @param destinations one outcome per destination catalogue file, sorted by file name
 */
public record FlowSet(List<FileOutcome> files, List<FileOutcome> destinations) {

    public FlowSet {
        files = List.copyOf(files);
        destinations = List.copyOf(destinations);
    }

    /** Flow files only, no catalogue. */
    public FlowSet(List<FileOutcome> files) {
        this(files, List.of());
    }

    /** The flows of files without errors (export and other flow types), sorted by id. */
    public List<Flow> flows() {
        return files.stream().map(FileOutcome::flow).filter(Objects::nonNull)
                .sorted(Comparator.comparing(Flow::id)).toList();
    }

    /** The flows this runner runs: {@link #flows()} that are export flows. */
    public List<Flow> exportFlows() {
        return flows().stream().filter(Flow::isExport).toList();
    }

    /** Every problem of every catalogue file, then of every flow file, in file order, then by position. */
    public List<Problem> problems() {
        return java.util.stream.Stream.concat(destinations.stream(), files.stream())
                .flatMap(f -> f.problems().stream()).toList();
    }

    /** True when any flow or catalogue file has an error. */
    public boolean hasErrors() {
        return files.stream().anyMatch(FileOutcome::hasErrors) || destinations.stream().anyMatch(FileOutcome::hasErrors);
    }

    /** The same flows with the catalogue's outcomes added. */
    public FlowSet withDestinations(List<FileOutcome> catalogue) {
        return new FlowSet(files, catalogue);
    }
}
