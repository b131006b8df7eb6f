package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import io.flowexport.diag.Severity;
import io.flowexport.flow.Flow;
import io.flowexport.query.SortCheck;
import io.flowexport.run.Prepared;
import io.flowexport.run.RunTrigger;
import io.flowexport.validate.SortWarnings;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
                + "path:line:col: key: message.", "A warning, once per dataset, when the source database sorts the "
                + "rows of its exports for want of an index in their order, with the CREATE INDEX statement.",
                "Exit code 1 when any flow has an error."})
final class ValidateCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ValidateCommand.class);

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
            if (down == null) {
                set = SortWarnings.add(set, flow -> sortOf(app, flow));
            }
            Reports.printProblems(set, out);
            long errors = Reports.count(set, Severity.ERROR);
            long warnings = Reports.count(set, Severity.WARNING);
            out.printf("%d flow file(s): %d export flow(s) valid, %d error(s), %d warning(s)%n",
                    set.files().size(), set.exportFlows().size(), errors, warnings);
            out.flush();
            return errors > 0 ? 1 : 0;
        }
    }

    /**
     * The sort check of the flow's next export query; empty when it cannot be done (e.g. the state store or the
     * source failed meanwhile): it is advice, and validate's outcome never depends on it.
     */
    private static Optional<SortWarnings.Checked> sortOf(FlowExportApp app, Flow flow) {
        try {
            Prepared run = app.runner().plan(flow, RunTrigger.manual());
            return Optional.of(new SortWarnings.Checked(run.dataset(),
                    SortCheck.check(app.source(), run.query(), run.dataset())));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("flow '{}': the sort check was not done: {}", flow.id(), e.toString());
            return Optional.empty();
        }
    }
}
