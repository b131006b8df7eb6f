package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.config.Settings;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.Flow;
import io.flowexport.flow.parse.Suggestions;
import io.flowexport.run.ExportRunner;
import io.flowexport.state.NoStateStore;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import io.flowexport.validate.FileOutcome;
import io.flowexport.validate.FlowSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
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

    /** The flow files of the flow directory, validated without the database. */
    private static FlowSet files(CommonOptions common, Settings settings) {
        return FlowExportApp.loadFlowsOffline(settings, common.flowsDir, common.destinationsDir);
    }

    /** The export flow with that id, when its file is valid. */
    private static Optional<Flow> flow(FlowSet files, String flowId) {
        return files.flows().stream().filter(f -> f.id().equals(flowId) && f.isExport()).findFirst();
    }

    /**
     * The flow ids state commands accept: those the flow files declare (valid or not) and those the state store
     * has records of, so that a flow whose file was deleted can still be shown and reset.
     */
    private static Set<String> knownIds(FlowSet files, StateStore state) {
        Set<String> ids = new TreeSet<>(state.flowIds());
        files.files().stream().map(FileOutcome::flowId).filter(Objects::nonNull).forEach(ids::add);
        return ids;
    }

    /**
     * Says that {@code flowId} is unknown, with the nearest known id or the known ones.
     *
     * @return the exit code, 1
     */
    private static int unknown(String flowId, Set<String> known, CommonOptions common, PrintWriter err) {
        String hint = known.isEmpty() ? "; " + common.flowsDir + " has no flow file and the state store records no "
                + "flow" : Suggestions.hint(flowId, known, "known flows");
        err.println("flow '" + flowId + "' is unknown: no flow file in " + common.flowsDir + " declares it and the "
                + "state store has no record of it" + hint);
        err.flush();
        return 1;
    }

    /** {@code state show FLOW_ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the flow's state: for incremental and changes_only flows the watermark (batch, "
                    + "dataset, the run that set it, when); for full and batch flows, which keep no watermark, the "
                    + "last file published; for every flow its last run, a run that began publishing and was not "
                    + "recorded as done (the next run replays it), a pending delivery, and each destination's "
                    + "delivery state.",
                    "FLOW_ID is a flow of the flow files or one the state store has records of (a flow whose "
                            + "file was deleted). Exit code 1 for any other id."})
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
            FlowSet files = files(common, settings);
            Optional<Flow> flow = flow(files, flowId);
            try (StateStore state = FlowExportApp.openStateToRead(settings)) {
                Set<String> known = knownIds(files, state);
                if (!known.contains(flowId)) {
                    return unknown(flowId, known, common, spec.commandLine().getErr());
                }
                Optional<StateStore.Watermark> w = state.watermarkOf(flowId);
                Optional<PendingDelivery> pending = state.pending(flowId);
                Optional<RunIntent> intent = state.intent(flowId);
                Optional<RunRecord> published = state.lastPublished(flowId);
                Optional<ExportMode> mode = flow.map(f -> f.export().exportMode());
                // full and batch flows keep no watermark; a flow without valid file shows one if it has one
                boolean watermarked = mode.map(ExportMode::usesWatermark).orElse(w.isPresent());
                out.println("flow:         " + flowId + flow.map(f -> " (" + f.file() + ")")
                        .orElse(" (no valid flow file declares it now)"));
                if (state instanceof NoStateStore none) {
                    out.println("state store:  " + none.file() + " does not exist yet: nothing recorded (the first "
                            + "run creates it)");
                }
                flow.filter(f -> !f.export().exportMode().usesWatermark()).ifPresent(f -> out.println(
                        "mode:         " + f.export().exportMode().toml() + ": keeps no watermark; each run exports "
                                + (f.export().exportMode() == ExportMode.BATCH ? "batch " + f.export().batchId()
                                : "the whole dataset")));
                if (watermarked) {
                    out.println("watermark:    " + w.map(x -> "batch " + x.batchId() + " (dataset " + x.datasetId()
                            + ", set by " + x.runId() + " at " + x.updatedAt() + ")")
                            .orElse("none: the next run starts from the first batch"));
                    flow.ifPresent(f -> w.filter(x -> !x.datasetId().equals(f.export().sourceDatasetId()))
                            .ifPresent(x -> out.println("              (recorded for dataset " + x.datasetId()
                                    + "; the flow now reads " + f.export().sourceDatasetId()
                                    + ", so it starts afresh)")));
                }
                out.println("last run:     " + state.history(flowId, false, 1).stream().findFirst()
                        .map(StateCommand::describe).orElse("none in the run history"));
                if (!watermarked) {
                    out.println("last file:    " + published.map(r -> (r.files().isEmpty()
                            ? String.join(", ", r.destinations().stream().map(RunRecord.Destination::target).toList())
                            : String.join(", ", r.files())) + " (run " + r.runId() + " at " + r.finishedAt() + ", "
                            + r.rows() + " rows)")
                            .orElse("none published (in the run history)"));
                }
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
                    String delivered = watermarked
                            ? w.map(x -> "has every batch up to " + x.batchId()).orElse("nothing recorded yet")
                            : published(name, published);
                    out.println("  " + type + " '" + name + "': " + deliveryState(name, pending, intent, delivered));
                }
            }
            out.flush();
            return 0;
        }

        /** What a destination of a flow without watermark last got, from the run history. */
        private static String published(String name, Optional<RunRecord> published) {
            return published.flatMap(r -> r.destinations().stream().filter(d -> d.name().equals(name) && d.ok())
                    .findFirst().map(d -> "has the file of run " + r.runId() + " (" + d.target() + ", published at "
                            + r.finishedAt() + ")"))
                    .orElse("nothing published to it (in the run history)");
        }

        private static String deliveryState(String name, Optional<PendingDelivery> pending,
                                            Optional<RunIntent> intent, String delivered) {
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
            return delivered;
        }
    }

    /** A run of the history in one line: id, status, when, trigger, rows, files, and its error or message. */
    private static String describe(RunRecord r) {
        return "run " + r.runId() + " " + r.status() + " at " + r.finishedAt() + " (" + r.trigger() + "), rows="
                + r.rows() + (r.files().isEmpty() ? "" : ", files: " + String.join(", ", r.files()))
                + (r.error() != null ? "; " + r.error() : r.message() != null ? "; " + r.message() : "");
    }

    /** {@code state reset FLOW_ID [--to BATCH]}. */
    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Rewind the flow for a re-export: set its watermark to BATCH (the next run exports the "
                    + "batches above it) or, without --to, remove it (the next run starts from the first batch). "
                    + "A pending delivery and a run to replay are dropped (a kept file is deleted). The reset is "
                    + "recorded in the run history. Run it while the flow is not running.",
                    "FLOW_ID is a flow of the flow files or one the state store has records of (a flow whose "
                            + "file was deleted). Exit code 1 for any other id (nothing is changed or recorded), "
                            + "and for --to on a full or batch flow."})
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
            FlowSet files = files(common, settings);
            Optional<Flow> flow = flow(files, flowId);
            // an unknown id changes nothing and creates no state database
            try (StateStore look = FlowExportApp.openStateToRead(settings)) {
                Set<String> known = knownIds(files, look);
                if (!known.contains(flowId)) {
                    return unknown(flowId, known, common, err);
                }
            }
            Optional<ExportMode> mode = flow.map(f -> f.export().exportMode());
            if (mode.isPresent() && !mode.get().usesWatermark() && to != null) {
                err.println("flow '" + flowId + "' has export_mode = \"" + mode.get().toml()
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
                if (to != null) {
                    said.add("watermark set to " + to + " (was " + was + "); the next run exports the batches above "
                            + to);
                } else if (mode.map(ExportMode::usesWatermark).orElse(true)) {
                    said.add("watermark removed (was " + was + "); the next run starts from the first batch");
                }
                pending.ifPresent(p -> said.add("dropped the delivery of run " + p.runId() + " still owed to "
                        + String.join(", ", p.remaining().keySet())));
                intent.ifPresent(i -> said.add("dropped run " + i.runId() + " (batches "
                        + range(i.firstBatch(), i.lastBatch()) + "), which was to be replayed"));
                if (said.isEmpty()) {
                    said.add("nothing to rewind: export_mode = \"" + mode.get().toml() + "\" keeps no watermark, "
                            + "and no delivery was pending nor run to replay");
                }
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
