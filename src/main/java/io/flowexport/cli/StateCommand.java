package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.config.Settings;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Flow;
import io.flowexport.run.ExportRunner;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code state show FLOW_ID} and {@code state reset FLOW_ID [--to BATCH]}: a flow's state in the state store. */
@Command(name = "state", mixinStandardHelpOptions = true,
        header = "Show or rewind a flow's state: watermark, deliveries.",
        description = {"Show or rewind a flow's state: its watermark and each destination's delivery state."},
        subcommands = {StateCommand.Show.class, StateCommand.Reset.class})
final class StateCommand implements Callable<Integer> {

    /** Options given before the subcommand ({@code state --config F show X}); the subcommand's own win. */
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The subcommand's options, with those given before the subcommand where the subcommand left the default. */
    private static CommonOptions merged(CommonOptions own, StateCommand parent) {
        CommonOptions defaults = new CommonOptions();
        defaults.flowsDir = java.nio.file.Path.of("flows");
        defaults.destinationsDir = java.nio.file.Path.of("destinations");
        CommonOptions m = new CommonOptions();
        m.configFile = own.configFile != null ? own.configFile : parent.common.configFile;
        m.flowsDir = !own.flowsDir.equals(defaults.flowsDir) ? own.flowsDir : parent.common.flowsDir;
        m.destinationsDir = !own.destinationsDir.equals(defaults.destinationsDir) ? own.destinationsDir
                : parent.common.destinationsDir;
        return m;
    }

    /** The flow of the flow files with that id, when its file is valid (checked without the database). */
    private static Optional<Flow> flow(CommonOptions common, Settings settings, String flowId) {
        return FlowExportApp.loadFlowsOffline(settings, common.flowsDir, common.destinationsDir).flows().stream()
                .filter(f -> f.id().equals(flowId) && f.isExport()).findFirst();
    }

    /** {@code state show FLOW_ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the flow's watermark (batch, dataset, the run that set it, when), a run that "
                    + "began publishing and was not recorded as done (the next run replays it), a pending "
                    + "delivery, and each destination's delivery state."})
    static final class Show implements Callable<Integer> {

        @Mixin
        CommonOptions own;

        @picocli.CommandLine.ParentCommand
        StateCommand parent;

        @Parameters(paramLabel = "FLOW_ID", description = "The flow.")
        String flowId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CommonOptions common = merged(own, parent);
            Settings settings = common.settings();
            Optional<Flow> flow = flow(common, settings, flowId);
            try (StateStore state = FlowExportApp.openStateToRead(settings)) {
                Optional<StateStore.Watermark> w = state.watermarkOf(flowId);
                Optional<PendingDelivery> pending = state.pending(flowId);
                Optional<RunIntent> intent = state.intent(flowId);
                out.println("flow:         " + flowId + flow.map(f -> " (" + f.file() + ")")
                        .orElse(" (no valid flow file declares it now)"));
                out.println("watermark:    " + w.map(x -> "batch " + x.batchId() + " (dataset " + x.datasetId()
                        + ", set by " + x.runId() + " at " + x.updatedAt() + ")")
                        .orElse("none: the next run starts from the first batch"));
                flow.ifPresent(f -> w.filter(x -> !x.datasetId().equals(f.export().sourceDatasetId()))
                        .ifPresent(x -> out.println("              (recorded for dataset " + x.datasetId()
                                + "; the flow now reads " + f.export().sourceDatasetId() + ", so it starts afresh)")));
                out.println("in flight:    " + intent.map(i -> "run " + i.runId() + " (batches "
                        + range(i.firstBatch(), i.lastBatch()) + ") began publishing at " + i.createdAt()
                        + " and was not recorded as done; the next run replays it with the same names and ids")
                        .orElse("none"));
                out.println("pending:      " + pending.map(p -> "the file of run " + p.runId() + " (batches "
                        + range(p.firstBatch(), p.lastBatch()) + ", " + p.rows() + " rows, kept at " + p.file()
                        + ") is owed to " + String.join(", ", p.remaining().keySet()) + "; the next run sends it "
                        + "to them only").orElse("none"));
                out.println("destinations:");
                List<String> names = new ArrayList<>();
                flow.ifPresent(f -> f.export().destinations().forEach(d -> names.add(d.name())));
                pending.ifPresent(p -> p.remaining().keySet().stream().filter(n -> !names.contains(n))
                        .forEach(names::add));
                if (names.isEmpty()) {
                    out.println("  (unknown: no valid flow file declares this flow)");
                }
                for (String name : names) {
                    String type = flow.flatMap(f -> f.export().destinations().stream()
                            .filter(d -> d.name().equals(name)).findFirst()).map(DestinationSpec::type)
                            .orElse("?");
                    out.println("  " + type + " '" + name + "': " + deliveryState(name, w, pending, intent));
                }
            }
            out.flush();
            return 0;
        }

        private static String deliveryState(String name, Optional<StateStore.Watermark> w,
                                            Optional<PendingDelivery> pending, Optional<RunIntent> intent) {
            if (pending.isPresent()) {
                PendingDelivery p = pending.get();
                Integer acked = p.remaining().get(name);
                if (acked != null) {
                    return "owes the file of run " + p.runId() + " (batches " + range(p.firstBatch(), p.lastBatch())
                            + ")" + (acked > 0 ? ", " + acked + " chunks already acknowledged" : "")
                            + (p.lastError() == null ? "" : "; last error: " + p.lastError());
                }
                return "has the file of run " + p.runId() + " (batches " + range(p.firstBatch(), p.lastBatch())
                        + "); the watermark moves when the others have it too";
            }
            if (intent.isPresent()) {
                RunIntent i = intent.get();
                return "may have part or all of run " + i.runId() + " (batches " + range(i.firstBatch(),
                        i.lastBatch()) + "); the next run sends it again under the same names and ids";
            }
            return w.map(x -> "has every batch up to " + x.batchId()).orElse("nothing recorded yet");
        }
    }

    /** {@code state reset FLOW_ID [--to BATCH]}. */
    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Rewind the flow for a re-export: set its watermark to BATCH (the next run exports the "
                    + "batches above it) or, without --to, remove it (the next run starts from the first batch). "
                    + "A pending delivery and a run to replay are dropped (a kept file is deleted). The reset is "
                    + "recorded in the run history. Run it while the flow is not running."})
    static final class Reset implements Callable<Integer> {

        @Mixin
        CommonOptions own;

        @picocli.CommandLine.ParentCommand
        StateCommand parent;

        @Parameters(paramLabel = "FLOW_ID", description = "The flow.")
        String flowId;

        @Option(names = "--to", paramLabel = "BATCH", description = "The new watermark (an xt_batch_id).")
        Long to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            CommonOptions common = merged(own, parent);
            Settings settings = common.settings();
            Optional<Flow> flow = flow(common, settings, flowId);
            if (flow.isPresent() && !flow.get().export().exportMode().usesWatermark() && to != null) {
                err.println("flow '" + flowId + "' has export_mode = \"" + flow.get().export().exportMode().toml()
                        + "\", which keeps no watermark; drop --to (a reset then only drops a pending delivery or a "
                        + "run to replay)");
                err.flush();
                return 1;
            }
            Instant started = Instant.now();
            try (StateStore state = FlowExportApp.openState(settings)) {
                Optional<StateStore.Watermark> w = state.watermarkOf(flowId);
                String datasetId = flow.map(f -> f.export().sourceDatasetId())
                        .orElse(w.map(StateStore.Watermark::datasetId).orElse(null));
                if (datasetId == null && to != null) {
                    err.println("flow '" + flowId + "': no valid flow file declares it and it has no watermark, so "
                            + "its dataset is unknown; fix its file in " + common.flowsDir + " first");
                    err.flush();
                    return 1;
                }
                Optional<PendingDelivery> pending = state.pending(flowId);
                Optional<RunIntent> intent = state.intent(flowId);
                List<String> said = new ArrayList<>();
                String was = w.map(x -> String.valueOf(x.batchId())).orElse("none");
                said.add(to != null ? "watermark set to " + to + " (was " + was + "); the next run exports the "
                        + "batches above " + to
                        : "watermark removed (was " + was + "); the next run starts from the first batch");
                pending.ifPresent(p -> said.add("dropped the delivery of run " + p.runId() + " still owed to "
                        + String.join(", ", p.remaining().keySet())));
                intent.ifPresent(i -> said.add("dropped run " + i.runId() + " (batches "
                        + range(i.firstBatch(), i.lastBatch()) + "), which was to be replayed"));
                String message = String.join("; ", said);
                RunRecord record = new RunRecord(flowId, ExportRunner.newRunId(),
                        flow.map(Flow::version).orElse(null), "cli", started, Instant.now(), "reset", 0, 0,
                        null, to, List.of(), List.of(), null, message);
                state.reset(flowId, datasetId == null ? "" : datasetId,
                        to == null ? OptionalLong.empty() : OptionalLong.of(to), record);
                if (pending.isPresent()) {
                    try {
                        Files.deleteIfExists(pending.get().file());
                    } catch (IOException e) {
                        err.println("warning: cannot delete the kept file " + pending.get().file() + ": "
                                + e.getMessage());
                    }
                }
                out.println("flow '" + flowId + "': " + message);
            }
            out.flush();
            return 0;
        }
    }

    private static String range(Long first, Long last) {
        return RunRecord.range(first, last);
    }
}
