package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.IfExists;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.UnixCron;
import io.flowexport.route.TriggerUris;
import io.flowexport.query.SortCheck;
import io.flowexport.run.Prepared;
import io.flowexport.run.RunTrigger;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plan FLOW_ID}: prints what a run would do, without running it. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        header = "Show what the next run of a flow would do, without running it.",
        description = {"Print the SQL a run of the flow would execute, its parameters, the watermark, each "
                + "destination with the target path the next run would write, and the triggers' next fire times, "
                + "without running anything.",
                "The sort line says whether the source database sorts the rows for the query's ORDER BY "
                        + "(PostgreSQL: from its EXPLAIN; other databases: from their indexes) and, when no index "
                        + "has that order, the CREATE INDEX statement that lets it read them in order.",
                "Placeholders are resolved as for a run started now; {batch_id} is resolved when it is known "
                        + "before the source is read (batch mode: the flow's batch_id; a pending delivery or a run "
                        + "to replay: theirs), else the line says which batch it will be, e.g. "
                        + "\"{batch_id} = the highest batch the run reads (above watermark 41)\".",
                "Exit code 1 when the flow is unknown or invalid."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "FLOW_ID", description = "The flow to plan.")
    String flowId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (FlowExportApp app = FlowExportApp.inspect(common.settings())) {
            SourceProblem down = app.probeSource().orElse(null);
            if (down != null) {
                err.println(down.message()); // once; the flow's line refers to it
            }
            FlowSet set = app.loadFlows(common.flowsDir, common.destinationsDir, down, false);
            Optional<Flow> found = set.flows().stream().filter(f -> f.id().equals(flowId)).findFirst();
            if (found.isEmpty()) {
                Reports.printUnavailable(set, flowId, err);
                err.flush();
                return 1;
            }
            if (!found.get().isExport()) {
                err.println("flow '" + flowId + "' is not an export flow (flow_type = \""
                        + found.get().type().toml() + "\"): nothing to plan");
                err.flush();
                return 1;
            }
            Flow flow = found.get();
            Prepared run = app.runner().plan(flow, RunTrigger.manual());
            var export = flow.export();
            var q = run.query();
            out.println("flow:        " + flow.id() + " (" + flow.name() + ")");
            out.println("file:        " + flow.file() + " (version " + flow.version() + ")");
            out.println("dataset:     " + export.sourceDatasetId() + " -> " + (run.dataset().schema() == null ? ""
                    : run.dataset().schema() + ".") + run.dataset().table() + " (" + q.datasetKind().toml()
                    + (export.sourceDatasetType() == null ? ", detected" : ", stated") + ")");
            out.println("export mode: " + export.exportMode().toml());
            out.println("format:      " + export.format().toml() + " (" + Reports.describe(export.options()) + ")");
            out.println("columns:     " + q.outputColumns().stream().map(c -> c.name() + " " + c.sqlType()).toList());
            out.println("filter:      " + q.filter());
            out.println("sql:         " + q.jdbcSql());
            out.println("export path: " + run.path());
            if (run.copySql() != null) {
                out.println("copy:        " + run.copySql());
            } else if (run.binaryCopy() != null) {
                out.println("copy:        " + run.binaryCopy().copySql());
            }
            printSort(out, app, run);
            out.println("parameters:  " + (q.parameters().isEmpty() ? "none" : q.describeParameters()));
            out.println("watermark:   " + (!export.exportMode().usesWatermark() ? "not used by this mode"
                    : run.watermark().isPresent() ? "batch " + run.watermark().getAsLong() : "none (first run)"));
            // the names the next run writes: those of a pending delivery or of a run to replay (batch_id included),
            // else this plan's, with {batch_id} the flow's in batch mode, else the highest batch the run would read
            // (one MIN/MAX query); unresolved when there is nothing new to read
            Map<String, String> values = app.runner().plannedValues(flow, run);
            for (var d : export.destinations()) {
                String line = io.flowexport.destination.Describe.destination(d, values);
                out.println("destination: " + line + (TargetPaths.batchUnknown(d, values)
                        ? ", " + TargetPaths.batchNote(flow, run.watermark()) : ""));
            }
            printTargets(out, app, flow, run);
            if (run.pending() != null) {
                out.println("pending:     the file of run " + run.pending().runId() + " (batches "
                        + (run.pending().firstBatch() == null ? "-" : run.pending().firstBatch() + ".."
                        + run.pending().lastBatch()) + ") is still owed to " + run.pending().remaining().keySet()
                        + "; the next run sends it to them instead of exporting");
            }
            if (run.replay() != null) {
                String range = io.flowexport.state.RunRecord.range(run.replay().firstBatch(),
                        run.replay().lastBatch());
                out.println("replay:      run " + run.replay().runId() + " (batches " + range + ") was interrupted "
                        + "while publishing; the next run reads those batches again and publishes them under the "
                        + "same names and ids");
            }
            if (export.exportMode().usesWatermark() && !export.settleTime().isZero()) {
                out.println("settle time: " + io.flowexport.flow.Durations.format(export.settleTime()) + " (a run "
                        + "waits this long after finding its highest new batch, then reads up to it)");
            }
            out.println("export dir:  " + app.settings().exportDir());
            if (flow.triggers().isEmpty()) {
                out.println("triggers:    none; the flow runs only when asked");
            }
            for (TriggerSpec t : flow.triggers()) {
                out.println("trigger:     " + t.id() + " " + t.type().toml() + " " + describe(t)
                        + (t.enabled() ? "" : " (disabled)"));
            }
            out.flush();
            return 0;
        }
    }

    /**
     * Whether the source sorts the export's rows ({@link SortCheck}) and, when an index would spare it, the
     * {@code CREATE INDEX} statement; a check that fails says so and does not fail the plan.
     */
    private static void printSort(PrintWriter out, FlowExportApp app, Prepared run) {
        SortCheck sort;
        try {
            sort = SortCheck.check(app.source(), run.query(), run.dataset());
        } catch (SQLException e) {
            out.println("sort:        not checked: " + e.getMessage());
            return;
        }
        out.println("sort:        " + sort.summary());
        if (sort.needsIndex()) {
            out.println("index:       " + sort.createIndex() + "; lets the database read the rows in order instead "
                    + "of sorting them (its planner may still sort a small read, such as one batch)");
        }
    }

    /**
     * {@code if_exists} and, per file destination, its target as the next run would name it now and what publishing
     * does with a file that has the name.
     */
    private static void printTargets(PrintWriter out, FlowExportApp app, Flow flow, Prepared run) {
        ExportSpec export = flow.export();
        List<FileSpec> files = FileSpec.all(export.destinations());
        if (files.isEmpty()) {
            return;
        }
        IfExists rule = export.fileIfExists();
        out.println("if_exists:   " + rule.toml() + (export.ifExists() != null ? " (set in the flow)"
                : " (the " + export.exportMode().toml() + " default)") + ": a file that has a target's name "
                + (rule == IfExists.FAIL ? "fails the run, unless it holds the same bytes (then it is left as it is)"
                : "is replaced"));
        Map<String, String> values = app.runner().plannedValues(flow, run);
        FileDestination dir = app.runner().files();
        for (FileSpec f : files) {
            String target = new PathTemplate(f.path()).render(values);
            String head = "target:      file '" + f.name() + "' -> ";
            if (run.pending() != null && !run.pending().remaining().containsKey(f.name())) {
                out.println(head + target + ": has the file of run " + run.pending().runId() + " already");
                continue;
            }
            if (target.contains("{batch_id}")) {
                out.println(head + f.path() + ": no rows to export now, so no name yet");
                continue;
            }
            Optional<FileDestination.Existing> there;
            try {
                there = dir.existing(null, target);
            } catch (IOException | IllegalArgumentException e) {
                out.println(head + target + ": cannot be looked at (" + e.getMessage() + ")");
                continue;
            }
            if (there.isEmpty()) {
                out.println(head + target + ": does not exist yet");
            } else if (run.replay() != null) {
                out.println(head + target + ": exists (" + there.get().bytes() + " bytes); the replay of run "
                        + run.replay().runId() + " replaces it (the interrupted run published it)");
            } else if (rule == IfExists.FAIL) {
                out.println(head + target + ": exists (" + there.get().bytes() + " bytes); the run will fail "
                        + "unless its content is the same");
            } else {
                out.println(head + target + ": exists (" + there.get().bytes() + " bytes); it will be replaced");
            }
        }
    }

    private static String describe(TriggerSpec t) {
        return switch (t.type()) {
            case SCHEDULE -> {
                ZonedDateTime now = ZonedDateTime.now(t.timezone());
                String next = UnixCron.nextFire(t.schedule(), now).map(ZonedDateTime::toString).orElse("never");
                yield "'" + t.schedule() + "' " + t.timezone().getId() + " (Quartz '"
                        + TriggerUris.quartzCron(t.schedule()) + "'), next " + next;
            }
            case INTERVAL -> "every " + t.everyText() + ", first one interval after start";
        };
    }
}
