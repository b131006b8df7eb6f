package io.flowexport.validate;

import io.flowexport.diag.Severity;
import io.flowexport.diag.Problem;
import io.flowexport.flow.Flow;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of loading one flow file.
 *
 * @param file     the flow file
 * @param version  content hash of the bytes read (SHA-256, first 12 hex digits); null when the file could not be
 *                 read
 * @param flowId   the id the file declares (or its file name for a fragment); null when the file could not be
 *                 read or parsed
 * @param flow     the flow; null when the file has errors
 * @param problems every problem of the file, by position
 */
public record FileOutcome(Path file, String version, String flowId, Flow flow, List<Problem> problems) {

    public FileOutcome {
        problems = List.copyOf(problems);
    }

    /** True when any problem is an error (then {@link #flow()} is null). */
    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }
}
