package io.flowexport.run;

import io.flowexport.destination.Deliveries;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.FileFaults;
import io.flowexport.destination.Published;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.TargetExists;
import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of a run after its file is written: where the file is staged, the hand-over (nothing new, or the
 * run intent recorded), delivering it to each of the flow's destinations, and the commit: moving the watermark
 * when every destination has it, or keeping it as a {@link PendingDelivery} when only some do.
 *
 * <p>A flow whose only destination is a file stages beside the target and publishes by one atomic rename (no
 * copy). Any other flow stages in the work directory ({@code <work>/<flow_id>/}); its file destinations get a
 * copy, published atomically; a file that must be re-sent later is kept in {@code <work>/pending/}.
 */
final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);

    private final FileDestination files;
    private final FileDestination work;
    private final Deliveries deliveries;
    private final StateStore state;
    private final RunListener listener;

    Publisher(FileDestination files, FileDestination work, Deliveries deliveries, StateStore state,
              RunListener listener) {
        this.files = files;
        this.work = work;
        this.deliveries = deliveries;
        this.state = state;
        this.listener = listener;
    }

    FileDestination files() {
        return files;
    }

    /** Where the run's file is written before delivery (not created). */
    Path stage(FlowRun run) throws RunException {
        ExportSpec spec = run.flow.export();
        try {
            Optional<FileSpec> sole = FileSpec.sole(spec.destinations());
            return sole.isPresent() ? files.stage(sole.get().path(), run.flow.id(), run.runId)
                    : work.stage(run.flow.id() + "/export", run.flow.id(), run.runId);
        } catch (IOException e) {
            throw new RunException("flow '" + run.flow.id() + "': " + FileFaults.explain("write the export file",
                    null, e).getMessage() + "; nothing was published and the watermark stays: the next run "
                    + "exports the same batches", e);
        }
    }

    /** Deletes the temporary files crashed runs of {@code flow} left (staged files, copies); never pending ones. */
    List<Path> removeLeftovers(Flow flow) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (FileSpec f : FileSpec.all(flow.export().destinations())) {
            removed.addAll(files.removeLeftovers(f.path(), flow.id()));
        }
        removed.addAll(work.removeLeftovers(flow.id() + "/export", flow.id()));
        return removed;
    }

    /**
     * Hands the complete staged file over: nothing new when there is nothing to publish (the file is deleted);
     * else the run intent is recorded, so that a run interrupted from here on is replayed under the same names.
     */
    ExportOutcome handOver(FlowRun run, Prepared p, Path staged, Written w) {
        ExportSpec spec = run.flow.export();
        if (run.abortReason() != null) {
            throw new RunException("flow '" + run.flow.id() + "': run stopped before publishing: "
                    + run.abortReason(), null);
        }
        listener.staged(run, staged);
        boolean needsBatch = spec.destinations().stream().anyMatch(d -> template(d).uses("batch_id"));
        Long batchForPath = spec.exportMode() == ExportMode.BATCH ? spec.batchId() : w.lastBatch();
        if (w.rows() == 0 && (spec.exportMode().usesWatermark() || needsBatch && batchForPath == null)) {
            ExportRunner.deleteQuietly(run, staged);
            if (p.replay() != null) {
                forgetIntent(run);
            }
            String why = spec.exportMode().usesWatermark()
                    ? "nothing new" + p.watermark().stream().mapToObj(x -> " above batch " + x).findFirst().orElse("")
                    + "; no file published"
                    : "no rows, so {batch_id} has no value; no file published";
            run.advance(RunStage.COMMITTED);
            Staged none = new Staged(p, null, 0, 0, w.firstBatch(), w.lastBatch(), Map.of(), run.runId, null,
                    fileOnly(spec), List.of());
            return new ExportOutcome.NothingNew(ExportRunner.result(run, RunStatus.NOTHING_NEW, 0, null, why, none));
        }
        Map<String, String> values = new HashMap<>(p.placeholders());
        if (batchForPath != null) {
            values.put("batch_id", String.valueOf(batchForPath));
        }
        Long first = w.firstBatch();
        Long last = w.lastBatch();
        if (p.replay() != null) {
            // the interrupted run's names and ids, whatever this run read
            values = new HashMap<>(p.replay().values());
            first = p.replay().firstBatch();
            last = p.replay().lastBatch();
        }
        long bytes;
        try {
            bytes = Files.size(staged);
        } catch (IOException e) {
            throw new RunException("flow '" + run.flow.id() + "': the staged file " + staged + " is gone: "
                    + e.getMessage(), e);
        }
        if (p.replay() == null) {
            IfExistsRule.refuseTakenNames(files, run, p, staged, values, bytes);
        }
        String published = p.publishedRunId(run.runId);
        try {
            state.saveIntent(new RunIntent(run.flow.id(), spec.sourceDatasetId(), published, first, last, values,
                    Instant.now()), run.fence());
        } catch (RuntimeException e) {
            throw new RunException("flow '" + run.flow.id() + "': cannot record the run in the state store before "
                    + "publishing, so nothing was published: " + e.getMessage(), e);
        }
        run.advance(RunStage.HANDED_OVER);
        return new Staged(p, staged, bytes, w.rows(), first, last, values, published, null, fileOnly(spec),
                List.of());
    }

    /**
     * Takes up the file of a pending delivery (see {@link Prepared#pending()}), to be sent to the destinations
     * that do not have it yet, instead of exporting.
     *
     * @throws RunException when the kept file is gone (the pending delivery is dropped)
     */
    Staged takeUpPending(FlowRun run, Prepared prepared) {
        PendingDelivery p = prepared.pending();
        run.advance(RunStage.HANDED_OVER);
        for (String name : p.remaining().keySet()) {
            if (destination(run.flow, name).isEmpty()) {
                LOG.warn("flow '{}': destination '{}' owed the file of run {} but is no longer in the flow; "
                        + "it will not get it", run.flow.id(), name, p.runId());
            }
        }
        if (!Files.isRegularFile(p.file())) {
            state.deletePending(p.flowId(), p.runId(), run.fence());
            throw new RunException("flow '" + run.flow.id() + "': the file of run " + p.runId() + " kept for "
                    + p.remaining().keySet() + " is gone (" + p.file() + "); the pending delivery is dropped and the "
                    + "watermark stays, so the next run exports those batches again", null);
        }
        return new Staged(prepared, p.file(), size(p.file()), p.rows(), p.firstBatch(), p.lastBatch(), p.values(),
                p.runId(), p, false, List.of());
    }

    /** Sends the file to the flow's destination {@code name} (see {@link ExportRunner#deliver}). */
    Staged deliver(FlowRun run, Staged s, String name) {
        if (!s.owes(name) || run.abortReason() != null && !s.fileOnly()) {
            return s;
        }
        Optional<DestinationSpec> d = destination(run.flow, name);
        if (d.isEmpty()) {
            return s;
        }
        Delivered outcome;
        if (s.fileOnly()) {
            try {
                outcome = publishAlone(run, s, (FileSpec) d.get());
            } catch (RuntimeException e) {
                listener.deliveredTo(run, new Delivered(name, d.get().type(), d.get().template(), false, 0, null,
                        Secrets.redact(e.getMessage()), null), false);
                throw e;
            }
        } else {
            int startChunk = s.redelivery() != null ? s.redelivery().remaining().getOrDefault(name, 0) : 0;
            outcome = deliveries.deliver(shipment(run, s), d.get(), startChunk);
        }
        listener.deliveredTo(run, outcome, s.redelivery() != null);
        return s.with(outcome);
    }

    /** Records the outcome of the deliveries (see {@link ExportRunner#commit}). */
    RunResult commit(FlowRun run, Staged s) {
        return s.redelivery() != null ? commitRedelivery(run, s) : commitExport(run, s);
    }

    private RunResult commitExport(FlowRun run, Staged s) {
        ExportSpec spec = run.flow.export();
        if (!s.fileOnly()) {
            if (run.abortReason() != null) {
                throw new RunException("flow '" + run.flow.id() + "': run stopped while delivering: "
                        + run.abortReason(), null);
            }
            List<Delivered> failed = s.deliveries().stream().filter(d -> !d.ok()).toList();
            boolean complete = failed.isEmpty() && s.deliveries().size() == spec.destinations().size();
            if (!complete) {
                boolean some = failed.size() < s.deliveries().size();
                if (some) {
                    keepPending(run, s, failed);
                }
                String next = some ? "the next run sends this file to " + names(failed) + " only"
                        : "the next run exports the same batches again, under the same names and ids";
                throw new RunException(failureMessage(run.flow.id(), failed, next), null);
            }
            ExportRunner.deleteQuietly(run, s.file());
        } else if (s.deliveries().isEmpty()) {
            throw new RunException("flow '" + run.flow.id() + "': the run's route has no step that publishes its "
                    + "file (its route was built for other destinations); nothing was published and the watermark "
                    + "stays; the next run, on the route built again, exports the same batches", null);
        }
        listener.delivered(run);
        commitState(run, s.lastBatch(), s.publishedRunId());
        Path published = s.deliveries().stream().map(Delivered::published).filter(p -> p != null).findFirst()
                .orElse(null);
        RunIntent replay = s.prepared().replay();
        return ExportRunner.result(run, RunStatus.SUCCEEDED, s.bytes(), published, join(replay == null ? null
                : "replayed run " + replay.runId() + " (batches " + range(s.firstBatch(), s.lastBatch())
                + "), which was interrupted while publishing: same names and ids", IfExistsRule.fileNotes(s.deliveries())), s);
    }

    private RunResult commitRedelivery(FlowRun run, Staged s) {
        PendingDelivery p = s.redelivery();
        List<DestinationSpec> remaining = p.remaining().keySet().stream().map(n -> destination(run.flow, n))
                .flatMap(Optional::stream).toList();
        List<Delivered> failed = s.deliveries().stream().filter(d -> !d.ok()).toList();
        if (!failed.isEmpty() || s.deliveries().size() < remaining.size()) {
            Map<String, Integer> still = new LinkedHashMap<>();
            for (DestinationSpec d : remaining) {
                Delivered r = s.deliveries().stream().filter(x -> x.name().equals(d.name())).findFirst().orElse(null);
                if (r == null || !r.ok()) {
                    still.put(d.name(), r != null ? r.chunks() : p.remaining().get(d.name()));
                }
            }
            String message = failureMessage(run.flow.id(), failed, "the next run tries " + names(failed) + " again");
            state.savePending(new PendingDelivery(p.flowId(), p.datasetId(), p.runId(), p.firstBatch(),
                    p.lastBatch(), p.rows(), p.file(), p.values(), still, message, p.createdAt()), run.fence());
            throw new RunException(message, null);
        }
        listener.delivered(run);
        commitState(run, p.lastBatch(), run.runId);
        state.deletePending(p.flowId(), p.runId(), run.fence());
        deleteQuietly(p.file());
        return ExportRunner.result(run, RunStatus.SUCCEEDED, s.bytes(), null, "re-sent the file of run " + p.runId()
                + " (batches " + range(p.firstBatch(), p.lastBatch()) + ") to " + names(s.deliveries())
                + "; the other destinations had it already" + (IfExistsRule.fileNotes(s.deliveries()).isEmpty() ? ""
                : "; " + IfExistsRule.fileNotes(s.deliveries())), s);
    }

    private Delivered publishAlone(FlowRun run, Staged s, FileSpec d) {
        String relative = new PathTemplate(d.path()).render(s.values());
        try {
            Published published = files.publish(s.file(), relative, run.flow.id(),
                    IfExistsRule.of(run, s.prepared()));
            return new Delivered(d.name(), d.type(), relative, true, 1, null, published.detail(), published.path());
        } catch (TargetExists e) {
            // a file took the name after IfExistsRule.refuseTakenNames looked: nothing was published anywhere, so the next run
            // starts afresh and looks again, instead of replaying this run (a replay replaces)
            try {
                state.deleteIntent(run.flow.id(), run.fence());
            } catch (RuntimeException forget) {
                LOG.warn("flow '{}': cannot forget the intent of run {}: {}", run.flow.id(), run.runId,
                        Secrets.redact(forget.getMessage()));
            }
            throw new RunException(IfExistsRule.refused(run, s.prepared(), e), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new RunException("flow '" + run.flow.id() + "': cannot publish " + relative
                    + (e instanceof FileFaults.Explained ? "" : " in " + files.exportDir()) + ": " + e.getMessage(), e);
        }
    }

    private static String join(String a, String b) {
        return a == null || a.isEmpty() ? (b == null || b.isEmpty() ? null : b)
                : b == null || b.isEmpty() ? a : a + "; " + b;
    }

    private void keepPending(FlowRun run, Staged s, List<Delivered> failed) {
        String ext = run.flow.export().format().toml();
        Path kept = work.exportDir().resolve("pending").resolve(run.flow.id() + "-" + s.publishedRunId() + "."
                + ext);
        try {
            Files.createDirectories(kept.getParent());
            Files.move(s.file(), kept, StandardCopyOption.ATOMIC_MOVE);
            Map<String, Integer> remaining = new LinkedHashMap<>();
            failed.forEach(d -> remaining.put(d.name(), d.chunks()));
            state.savePending(new PendingDelivery(run.flow.id(), run.flow.export().sourceDatasetId(),
                    s.publishedRunId(), s.firstBatch(), s.lastBatch(), s.rows(), kept, s.values(), remaining,
                    failureMessage(run.flow.id(), failed, ""), Instant.now()), run.fence());
        } catch (IOException | RuntimeException e) {
            LOG.error("flow '{}': cannot keep the file of run {} for {}: {}; the next run exports the same batches "
                    + "again and sends them to every destination", run.flow.id(), run.runId, names(failed),
                    Secrets.redact(e.getMessage()));
        }
    }

    /**
     * Records that every destination has the run's file: moves the watermark (incremental modes) and forgets the
     * run intent, in one transaction.
     */
    private void commitState(FlowRun run, Long lastBatch, String publishedRunId) {
        ExportSpec spec = run.flow.export();
        listener.committing(run);
        if (spec.exportMode().usesWatermark() && lastBatch != null) {
            try {
                state.commitWatermark(run.flow.id(), spec.sourceDatasetId(), lastBatch, publishedRunId,
                        run.fence());
            } catch (RuntimeException e) {
                throw new RunException("flow '" + run.flow.id() + "': delivered the file but could not move the "
                        + "watermark; the next run publishes the same batches again, under the same names and ids: "
                        + e.getMessage(), e);
            }
        } else {
            forgetIntent(run);
        }
    }

    private void forgetIntent(FlowRun run) {
        try {
            state.deleteIntent(run.flow.id(), run.fence());
        } catch (RuntimeException e) {
            throw new RunException("flow '" + run.flow.id() + "': delivered the file but could not record that in "
                    + "the state store; the next run publishes it again, under the same names and ids: "
                    + e.getMessage(), e);
        }
    }

    private static boolean fileOnly(ExportSpec spec) {
        return FileSpec.sole(spec.destinations()).isPresent();
    }

    private static Optional<DestinationSpec> destination(Flow flow, String name) {
        return flow.export().destinations().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private static Shipment shipment(FlowRun run, Staged s) {
        Flow flow = run.flow;
        ExportSpec spec = flow.export();
        Long first = s.firstBatch();
        Long last = s.lastBatch();
        String runId = s.publishedRunId();
        boolean ranged = spec.exportMode() != ExportMode.FULL && first != null;
        boolean jsonl = spec.options() instanceof FormatOptions.Json j && j.jsonl();
        return new Shipment(flow.id(), runId, s.file(), spec.format(), spec.format() == FileFormat.JSON && jsonl,
                s.values(), range(first, last), ranged ? "batches " + range(first, last) : "run " + runId,
                () -> run.abortReason() != null, spec.sourceDatasetId(), spec.exportMode(), s.rows(), first, last,
                s.prepared().query() == null ? List.of() : s.prepared().query().outputColumns(), spec.options(),
                IfExistsRule.of(run, s.prepared()));
    }

    private static PathTemplate template(DestinationSpec d) {
        return new PathTemplate(d.template());
    }

    private static String failureMessage(String flowId, List<Delivered> failed, String next) {
        String each = failed.stream().map(d -> d.type() + " '" + d.name() + "': " + d.detail())
                .collect(Collectors.joining("; "));
        return Secrets.redact("flow '" + flowId + "': delivery failed to " + each
                + (next.isEmpty() ? "" : "; " + next) + "; the watermark stays");
    }

    private static String names(List<Delivered> ds) {
        return ds.stream().map(d -> "'" + d.name() + "'").collect(Collectors.joining(", "));
    }

    private static String range(Long first, Long last) {
        return RunRecord.range(first, last);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
