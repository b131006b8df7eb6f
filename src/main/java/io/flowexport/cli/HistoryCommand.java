package io.flowexport.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.app.FlowExportApp;
import io.flowexport.ops.RunHistory;
import io.flowexport.state.NoStateStore;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code history [FLOW_ID] [--failed] [--last N] [--json]}: the run history from the state store. */
@Command(name = "history", mixinStandardHelpOptions = true,
        header = "Print the run history.",
        description = {"Print the run history from the state store, newest first: per run its start (UTC), flow, "
                + "run id, trigger, status, rows, bytes, batch range, duration, files, and each destination's "
                + "result; the error of a failed run. Resets (state reset) are listed too."})
final class HistoryCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "FLOW_ID", arity = "0..1", description = "Only this flow's runs.")
    String flowId;

    @Option(names = "--failed", description = "Only failed runs.")
    boolean failed;

    @Option(names = "--last", paramLabel = "N", defaultValue = "20",
            description = "At most N runs. Default: ${DEFAULT-VALUE}.")
    int last;

    @Option(names = "--json", description = "Print a JSON array, one object per run.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (last < 1) {
            err.println("--last must be at least 1");
            err.flush();
            return 2;
        }
        List<RunRecord> runs;
        String none = "";
        try (StateStore state = FlowExportApp.openStateToRead(common.settings())) {
            runs = state.history(flowId, failed, last);
            if (state instanceof NoStateStore missing) {
                none = ": the state database " + missing.file() + " does not exist yet (the first run creates it)";
            }
        }
        if (json) {
            // made here, not in a static field: picocli makes every command at start, and Jackson would load for all
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(RunHistory.toJson(runs)));
        } else if (runs.isEmpty()) {
            out.println("no " + (failed ? "failed " : "") + "runs" + (flowId == null ? "" : " of flow '" + flowId
                    + "'") + " in the history" + none);
        } else {
            runs.forEach(r -> print(r, out));
        }
        out.flush();
        return 0;
    }

    private static void print(RunRecord r, PrintWriter out) {
        double seconds = Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0;
        out.println(String.format(Locale.ROOT, "%s  %-28s %-24s %-9s %-11s rows=%d bytes=%d batches=%s %.2fs",
                r.startedAt().toString(), r.flowId(), r.runId(), r.trigger(), r.status(), r.rows(), r.bytes(),
                r.batchRange(), seconds));
        if (r.runnerId() != null) {
            out.println("    runner " + r.runnerId() + (r.triggerId() == null ? "" : ", firing of trigger '"
                    + r.triggerId() + "' at " + r.fireTime()));
        }
        if (!r.files().isEmpty()) {
            out.println("    files: " + String.join(", ", r.files()));
        }
        for (RunRecord.Destination d : r.destinations()) {
            out.println("    " + d.type() + " '" + d.name() + "' " + (d.ok() ? "ok" : "FAILED") + ": " + d.target()
                    + (d.detail() == null ? "" : " (" + d.detail() + ")"));
        }
        if (r.error() != null) {
            out.println("    error: " + r.error());
        } else if (r.message() != null) {
            out.println("    " + r.message());
        }
    }
}
