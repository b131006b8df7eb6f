package io.flowexport.cli;

import io.flowexport.component.FlowExportComponent;
import io.flowexport.app.FlowExportApp;
import io.flowexport.flow.Flow;
import io.flowexport.route.FlowRoutes;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunResult;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run-once}: runs flows now, one after the other, and prints one line per flow. */
@Command(name = "run-once", mixinStandardHelpOptions = true,
        header = "Run flows now, one after the other; one line per flow.",
        description = {"Run the given flows (or --all) now and print one line per flow: status, rows, bytes, "
                + "file, batch range, seconds.",
                "Exit code 1 when any flow failed or is invalid; flows that are not export flows are reported "
                        + "and skipped.",
                "On a terminal, a run that lasts over 2 s shows a progress line on stderr (rows, bytes, rows/s, "
                        + "elapsed), erased before its result line; nothing extra when output is not a terminal."})
final class RunOnceCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--no-progress", description = "Do not show the progress line of long runs, even on a "
            + "terminal.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    static final class Selection {
        @Option(names = "--all", required = true, description = "Run every valid export flow.")
        boolean all;

        @Parameters(paramLabel = "FLOW_ID", arity = "1..*", description = "The flows to run.")
        List<String> flowIds;
    }

    @Override
    public Integer call() throws Exception {
        if (Boolean.getBoolean("flowexport.report-memory")) {
            MemoryReport.start();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (FlowExportApp app = FlowExportApp.open(common.settings())) {
            SourceProblem down = app.probeSource().orElse(null);
            if (down != null) {
                err.println(down.message()); // once; each flow's line refers to it
            }
            FlowSet set = app.loadFlows(common.flowsDir, common.destinationsDir, down, false);
            boolean failed = false;
            List<Flow> toRun = new ArrayList<>();
            if (selection.all) {
                Reports.printProblems(set, err);
                failed = set.hasErrors();
                toRun.addAll(set.exportFlows());
            } else {
                for (String id : selection.flowIds) {
                    Optional<Flow> flow = set.flows().stream().filter(f -> f.id().equals(id)).findFirst();
                    if (flow.isPresent() && flow.get().isExport()) {
                        toRun.add(flow.get());
                    } else if (flow.isPresent()) {
                        err.println(flow.get().file() + ": flow '" + id + "' has flow_type = \""
                                + flow.get().type().toml() + "\": not an export flow, not run by this runner");
                    } else {
                        failed = true;
                        Reports.printUnavailable(set, id, err);
                    }
                }
            }
            err.flush();
            app.removeLeftovers(toRun);
            Path exportDir = app.settings().exportDir();
            CamelContext camel = app.startCamel(toRun, r -> { });
            try (ProgressDisplay progress = ProgressDisplay.open(!noProgress, System.err)) {
                ProducerTemplate template = camel.createProducerTemplate();
                for (Flow flow : toRun) {
                    Exchange done;
                    try (ProgressDisplay.Shown shown = progress.show(flow.id(),
                            () -> app.runner().current(flow.id()).map(FlowRun::progress))) {
                        done = template.send(FlowRoutes.runEndpoint(flow.id()), e -> { });
                    }
                    RunResult result = done.getProperty(FlowExportComponent.RESULT, RunResult.class);
                    if (result == null) {
                        failed = true;
                        out.println(flow.id() + " failed: " + done.getException());
                    } else {
                        failed |= !result.ok();
                        out.println(result.summary(exportDir));
                    }
                    out.flush();
                }
            } finally {
                camel.close();
            }
            if (Boolean.getBoolean("flowexport.report-memory")) {
                err.println(MemoryReport.line());
                err.flush();
            }
            return failed ? 1 : 0;
        }
    }
}
