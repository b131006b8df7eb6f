package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.route.TriggerUris;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.validate.FlowSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code run}: schedules every enabled trigger of every valid export flow and keeps running until SIGTERM or
 * Ctrl-C, which stop it gracefully (runs in flight finish; an interrupted run leaves no file under a target name).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Schedule every enabled trigger and keep running. Invalid flows are reported and left out; "
                + "the others run. SIGTERM stops gracefully."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.runs");

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try (FlowExportApp app = FlowExportApp.open(common.settings())) {
            FlowSet set = app.loadFlows(common.flowsDir);
            Reports.printProblems(set, err);
            err.flush();
            app.removeLeftovers(set.exportFlows());
            Path exportDir = app.settings().exportDir();
            for (Flow flow : set.exportFlows()) {
                long enabled = flow.triggers().stream().filter(TriggerSpec::enabled).count();
                LOG.info("flow '{}' from {}: {}", flow.id(), flow.file(), enabled == 0
                        ? "no enabled trigger; runs only when asked"
                        : enabled + " trigger(s): " + flow.triggers().stream().filter(TriggerSpec::enabled)
                                .map(t -> t.id() + " " + describe(t)).toList());
            }
            Main main = new Main();
            main.configure().addRoutesBuilder(app.routes(set.exportFlows(), true, r -> log(r, exportDir)));
            main.configure().setName("flow-export");
            main.run();
            return 0;
        }
    }

    private static String describe(TriggerSpec t) {
        return switch (t.type()) {
            case SCHEDULE -> "cron '" + t.schedule() + "' " + t.timezone().getId()
                    + " (Quartz '" + TriggerUris.quartzCron(t.schedule()) + "')";
            case INTERVAL -> "every " + t.every();
        };
    }

    private static void log(RunResult r, Path exportDir) {
        if (r.status() == RunStatus.FAILED) {
            LOG.error("{}", r.summary(exportDir));
        } else if (r.status() == RunStatus.SKIPPED) {
            LOG.warn("{}", r.summary(exportDir));
        } else {
            LOG.info("{}", r.summary(exportDir));
        }
    }
}
