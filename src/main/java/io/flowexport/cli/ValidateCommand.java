package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import io.flowexport.diag.Severity;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code validate}: checks every flow file against the source database and prints every problem. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Check every flow file and print every problem.",
        description = {"Check every flow: TOML syntax, keys, types, values, datasets and columns (against the "
                + "source database), cron, placeholders and paths. Prints every problem as "
                + "path:line:col: key: message.", "Exit code 1 when any flow has an error."})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (FlowExportApp app = FlowExportApp.inspect(common.settings())) {
            SourceProblem down = app.probeSource().orElse(null);
            if (down != null) {
                out.println(down.message()); // once; each flow's line refers to it
            }
            FlowSet set = app.loadFlows(common.flowsDir, common.destinationsDir, down, false);
            Reports.printProblems(set, out);
            long errors = Reports.count(set, Severity.ERROR);
            long warnings = Reports.count(set, Severity.WARNING);
            out.printf("%d flow file(s): %d export flow(s) valid, %d error(s), %d warning(s)%n",
                    set.files().size(), set.exportFlows().size(), errors, warnings);
            out.flush();
            return errors > 0 ? 1 : 0;
        }
    }
}
