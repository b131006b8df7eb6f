package io.flowexport.cli;

import io.flowexport.flow.Flow;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.parse.Suggestions;
import io.flowexport.validate.FileOutcome;
import java.util.List;
import io.flowexport.validate.FlowSet;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Severity;
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

    /**
     * Explains why {@code flowId} cannot be run: the problems of the files that declare it, or that no file does
     * (with the nearest id a file declares, when one is close).
     */
    static void printUnavailable(FlowSet set, String flowId, PrintWriter err) {
        List<FileOutcome> invalid = set.files().stream().filter(f -> flowId.equals(f.flowId())).toList();
        if (invalid.isEmpty()) {
            String nearest = Suggestions.nearest(flowId, set.files().stream().map(FileOutcome::flowId)
                    .filter(java.util.Objects::nonNull).distinct().sorted().toList())
                    .map(id -> "; did you mean '" + id + "'?").orElse("");
            err.println("flow '" + flowId + "': no flow with this id" + nearest + "; run 'validate' to list the "
                    + "flows and their problems");
        } else {
            for (FileOutcome f : invalid) {
                f.problems().forEach(err::println);
            }
            err.println("flow '" + flowId + "' is invalid and was not run; fix the problems above");
        }
    }

    /** The format options as written in a flow file, e.g. {@code delimiter=";" include_header=true}. */
    static String describe(FormatOptions options) {
        String columns = options.columns().isEmpty() ? "all" : String.join(", ", options.columns());
        if (options instanceof FormatOptions.Csv c) {
            return "delimiter=\"" + c.delimiter() + "\" include_header=" + c.includeHeader()
                    + " encoding=" + c.encoding().toml() + " columns=" + columns;
        }
        if (options instanceof FormatOptions.Json j) {
            return "jsonl=" + j.jsonl() + " indent=" + j.indent() + " ensure_ascii=" + j.ensureAscii()
                    + " encoding=" + j.encoding().toml() + " columns=" + columns;
        }
        FormatOptions.Parquet p = (FormatOptions.Parquet) options;
        return "compression=" + p.compression().toml() + " columns=" + columns;
    }
}
