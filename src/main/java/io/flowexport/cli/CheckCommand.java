package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.destination.Describe;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Flow;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.RunTrigger;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code check}: tests each destination of the given flows without sending data (a file destination's directory
 * is writable; an HTTP destination answers a HEAD request and accepts the credentials; a lake destination lets
 * the credential create and delete a probe file in the target folder) and says what is wrong. With {@code --all},
 * a flow file with errors counts as a failure.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        header = "Test the flows' destinations without sending data.",
        description = {"Test each destination of the flows without sending data: file destinations' directories "
                + "writable; HTTP destinations reachable and authorised (a HEAD request); ADLS and OneLake "
                + "destinations accept the credential and let it write in the target folder (an empty probe file, "
                + "deleted); Event Hubs destinations accept the connection string and the event hub exists. Secrets are "
                + "masked.",
                "Each destination's target is shown as a run resolves it: {batch_id} is the flow's batch_id in "
                        + "batch mode, else the highest batch a run reads (the check itself uses 0).",
                "Exit code 1 when a destination fails its check or a flow is unknown or invalid."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--all", description = "Check every valid export flow.")
    boolean all;

    @Parameters(paramLabel = "FLOW_ID", arity = "0..*", description = "The flows to check.")
    List<String> flowIds = List.of();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!all && flowIds.isEmpty()) {
            err.println("name the flows to check, or pass --all");
            return 2;
        }
        try (FlowExportApp app = FlowExportApp.inspect(common.settings())) {
            // the destinations do not need the source database: while it is down, check them anyway
            SourceProblem sourceDown = app.probeSource().orElse(null);
            if (sourceDown != null) {
                err.println(sourceDown.message());
                err.println("the flows' datasets are not checked, their destinations are");
            }
            FlowSet set = app.loadFlows(common.flowsDir, common.destinationsDir, sourceDown, true);
            int failed = 0;
            List<Flow> flows = all ? set.exportFlows() : List.of();
            if (all) {
                for (io.flowexport.validate.FileOutcome o : set.files()) {
                    if (o.hasErrors()) {
                        err.println(o.file() + ": not checked: the flow file has errors; run validate to see them");
                        failed++;
                    }
                }
                if (set.exportFlows().isEmpty()) {
                    err.println("no valid export flow in " + common.flowsDir);
                }
            }
            if (!all) {
                flows = new java.util.ArrayList<>();
                for (String id : flowIds) {
                    var found = set.exportFlows().stream().filter(f -> f.id().equals(id)).findFirst();
                    if (found.isEmpty()) {
                        err.println("flow '" + id + "' is not a valid export flow here; run validate to see why");
                        failed++;
                    } else {
                        flows.add(found.get());
                    }
                }
            }
            for (Flow flow : flows) {
                Map<String, String> shown = TargetPaths.known(flow, ExportRunner.placeholders(flow,
                        RunTrigger.manual(), "check"));
                Map<String, String> values = new HashMap<>(shown);
                values.putIfAbsent("batch_id", "0"); // a sample, for destinations whose check renders the path
                out.println(flow.id() + " (" + flow.file() + ")");
                for (DestinationSpec d : flow.export().destinations()) {
                    String problem = app.connectors().deliveries().check(d, values);
                    String line = Describe.destination(d, shown);
                    out.println("  " + (problem == null ? "ok    " : "FAILED") + " " + line
                            + (TargetPaths.batchUnknown(d, shown) ? "  ({batch_id}: the highest batch a run reads; "
                            + "checked with 0)" : "")
                            + (problem == null ? "" : "\n         " + problem));
                    if (problem != null) {
                        failed++;
                    }
                }
            }
            out.flush();
            err.flush();
            return failed > 0 ? 1 : 0;
        }
    }
}
