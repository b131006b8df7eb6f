package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Severity;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of parsing one flow file, before the checks that need context.
 *
 * @param file       the flow file
 * @param id         the flow id (from {@code id} or the file name), also when the file has errors; null when the
 *                   text is not TOML
 * @param idPosition where {@code id} is; null when the id comes from the file name
 * @param type       the flow type (export_flow when absent or invalid)
 * @param flow       the flow; null when {@link #problems()} holds an error
 * @param export     what {@code [properties.export]} holds; null for non-export flows or when it is missing
 * @param positions  key positions, for later checks
 * @param problems   problems found while parsing, in the order found
 */
public record ParsedFlow(Path file, String id, SourcePosition idPosition, FlowType type, Flow flow,
                         ExportDraft export, FlowPositions positions, List<Problem> problems) {

    public ParsedFlow {
        problems = List.copyOf(problems);
    }

    /** True when any problem is an error. */
    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }
}
