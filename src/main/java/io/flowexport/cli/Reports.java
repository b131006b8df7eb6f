package io.flowexport.cli;

import io.flowexport.flow.Flow;
import io.flowexport.validate.FlowSet;
import io.flowexport.validate.Problem;
import io.flowexport.validate.Severity;
import java.io.PrintWriter;

/** Prints validation outcomes the same way for every command. */
final class Reports {

    private Reports() {
    }

    /** Prints every problem, one per line, and a line per flow that is not an export flow. */
    static void printProblems(FlowSet set, PrintWriter out) {
        for (Problem p : set.problems()) {
            out.println(p);
        }
        for (Flow f : set.flows()) {
            if (!f.isExport()) {
                out.println(f.file() + ": flow '" + f.id() + "' has flow_type = \"" + f.type().toml()
                        + "\": not an export flow, not run by this runner");
            }
        }
    }

    /** The number of problems of {@code severity}. */
    static long count(FlowSet set, Severity severity) {
        return set.problems().stream().filter(p -> p.severity() == severity).count();
    }
}
