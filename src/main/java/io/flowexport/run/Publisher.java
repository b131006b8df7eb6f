package io.flowexport.run;

import io.flowexport.destination.Deliveries;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.FileFaults;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import io.flowexport.ops.CrashPoints;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last steps of a run: where its file is staged, delivering it to the flow's destinations, moving the
 * watermark when every destination has it, and keeping it as a {@link PendingDelivery} when only some do.
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

    Publisher(FileDestination files, FileDestination work, Deliveries deliveries, StateStore state) {
        this.files = files;
        this.work = work;
        this.deliveries = deliveries;
        this.state = state;
    }

    FileDestination files() {
        return files;
    }

    /** Where the run's file is written before delivery (not created). */
    Path stage(FlowRun run) throws IOException {
        ExportSpec spec = run.flow.export();
        return spec.fileOnly() ? files.stage(spec.files().get(0).path(), run.flow.id(), run.runId)
                : work.stage(run.flow.id() + "/export", run.flow.id(), run.runId);
    }

    /** Deletes the temporary files crashed runs of {@code flow} left (staged files, copies); never pending ones. */
    List<Path> removeLeftovers(Flow flow) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (FileSpec f : flow.export().files()) {
            removed.addAll(files.removeLeftovers(f.path(), flow.id()));
        }
        removed.addAll(work.removeLeftovers(flow.id() + "/export", flow.id()));
        return removed;
    }

    /** Publishes the staged file (or nothing, when there is nothing new) and moves the watermark. */
    RunResult publish(FlowRun run) {
        ExportSpec spec = run.flow.export();
        if (run.abortReason() != null) {
            throw new RunException("flow '" + run.flow.id() + "': run stopped before publishing: "
                    + run.abortReason(), null);
        }
        CrashPoints.reach(CrashPoints.Stage.AFTER_WRITE, run.flow.id());
        boolean needsBatch = spec.destinations().stream().anyMatch(d -> template(d).uses("batch_id"));
        Long batchForPath = spec.exportMode() == ExportMode.BATCH ? spec.batchId() : run.lastBatch;
        if (run.rows == 0 && (spec.exportMode().usesWatermark() || needsBatch && batchForPath == null)) {
            ExportRunner.deleteStaged(run);
            if (run.replay != null) {
                forgetIntent(run);
            }
            String why = spec.exportMode().usesWatermark()
                    ? "nothing new" + run.watermark.stream().mapToObj(w -> " above batch " + w).findFirst().orElse("")
                    + "; no file published"
                    : "no rows, so {batch_id} has no value; no file published";
            return ExportRunner.result(run, RunStatus.NOTHING_NEW, 0, null, why);
        }
        Map<String, String> values = new HashMap<>(run.placeholders);
        if (batchForPath != null) {
            values.put("batch_id", String.valueOf(batchForPath));
        }
        if (run.replay != null) {
            // the interrupted run's names and ids, whatever this run read
            values = new HashMap<>(run.replay.values());
            run.firstBatch = run.replay.firstBatch();
            run.lastBatch = run.replay.lastBatch();
        }
        long bytes;
        try {
            bytes = Files.size(run.staged);
        } catch (IOException e) {
            throw new RunException("flow '" + run.flow.id() + "': the staged file " + run.staged + " is gone: "
                    + e.getMessage(), e);
        }
        try {
            state.saveIntent(new RunIntent(run.flow.id(), spec.sourceDatasetId(), run.publishedRunId(),
                    run.firstBatch, run.lastBatch, values, Instant.now()));
        } catch (RuntimeException e) {
            throw new RunException("flow '" + run.flow.id() + "': cannot record the run in the state store before "
                    + "publishing, so nothing was published: " + e.getMessage(), e);
        }
        if (spec.fileOnly()) {
            publishAlone(run, values);
        } else {
            Shipment s = shipment(run, run.publishedRunId(), run.staged, values, run.firstBatch, run.lastBatch,
                    run.rows);
            run.deliveries = deliveries.deliver(s, spec.destinations(), Map.of());
            if (run.abortReason() != null) {
                throw new RunException("flow '" + run.flow.id() + "': run stopped while delivering: "
                        + run.abortReason(), null);
            }
            List<Delivered> failed = run.deliveries.stream().filter(d -> !d.ok()).toList();
            boolean complete = failed.isEmpty() && run.deliveries.size() == spec.destinations().size();
            if (!complete) {
                if (failed.size() < run.deliveries.size()) {
                    keepPending(run, values, failed);
                }
                String next = failed.size() < run.deliveries.size()
                        ? "the next run sends this file to " + names(failed) + " only"
                        : "the next run exports the same batches again, under the same names and ids";
                throw new RunException(failureMessage(run.flow.id(), failed, next), null);
            }
            ExportRunner.deleteStaged(run);
        }
        CrashPoints.reach(CrashPoints.Stage.AFTER_PUBLISH, run.flow.id());
        commit(run, run.lastBatch);
        Path published = run.deliveries.stream().map(Delivered::published).filter(p -> p != null).findFirst()
                .orElse(null);
        return ExportRunner.result(run, RunStatus.SUCCEEDED, bytes, published, run.replay == null ? null
                : "replayed run " + run.replay.runId() + " (batches " + range(run.firstBatch, run.lastBatch)
                + "), which was interrupted while publishing: same names and ids");
    }

    /**
     * Sends a pending delivery to the destinations that do not have it yet; moves the watermark and forgets it
     * when they all do.
     *
     * @throws RunException when a destination still fails (the pending delivery is updated) or the kept file
     *                      is gone
     */
    RunResult redeliver(FlowRun run) {
        PendingDelivery p = run.pending;
        run.firstBatch = p.firstBatch();
        run.lastBatch = p.lastBatch();
        Map<String, DestinationSpec> byName = new LinkedHashMap<>();
        run.flow.export().destinations().forEach(d -> byName.put(d.name(), d));
        List<DestinationSpec> remaining = new ArrayList<>();
        for (String name : p.remaining().keySet()) {
            if (byName.containsKey(name)) {
                remaining.add(byName.get(name));
            } else {
                LOG.warn("flow '{}': destination '{}' owed the file of run {} but is no longer in the flow; "
                        + "it will not get it", run.flow.id(), name, p.runId());
            }
        }
        if (!Files.isRegularFile(p.file())) {
            state.deletePending(p.flowId(), p.runId());
            throw new RunException("flow '" + run.flow.id() + "': the file of run " + p.runId() + " kept for "
                    + p.remaining().keySet() + " is gone (" + p.file() + "); the pending delivery is dropped and the "
                    + "watermark stays, so the next run exports those batches again", null);
        }
        Shipment s = shipment(run, p.runId(), p.file(), p.values(), p.firstBatch(), p.lastBatch(), p.rows());
        run.deliveries = deliveries.deliver(s, remaining, p.remaining());
        List<Delivered> failed = run.deliveries.stream().filter(d -> !d.ok()).toList();
        if (!failed.isEmpty() || run.deliveries.size() < remaining.size()) {
            Map<String, Integer> still = new LinkedHashMap<>();
            for (DestinationSpec d : remaining) {
                Delivered r = run.deliveries.stream().filter(x -> x.name().equals(d.name())).findFirst().orElse(null);
                if (r == null || !r.ok()) {
                    still.put(d.name(), r != null ? r.chunks() : p.remaining().get(d.name()));
                }
            }
            String message = failureMessage(run.flow.id(), failed, "the next run tries " + names(failed) + " again");
            state.savePending(new PendingDelivery(p.flowId(), p.datasetId(), p.runId(), p.firstBatch(),
                    p.lastBatch(), p.rows(), p.file(), p.values(), still, message, p.createdAt()));
            throw new RunException(message, null);
        }
        long bytes = size(p.file());
        CrashPoints.reach(CrashPoints.Stage.AFTER_PUBLISH, run.flow.id());
        commit(run, p.lastBatch());
        state.deletePending(p.flowId(), p.runId());
        deleteQuietly(p.file());
        run.rows = p.rows();
        return ExportRunner.result(run, RunStatus.SUCCEEDED, bytes, null, "re-sent the file of run " + p.runId()
                + " (batches " + range(p.firstBatch(), p.lastBatch()) + ") to " + names(run.deliveries)
                + "; the other destinations had it already");
    }

    private void publishAlone(FlowRun run, Map<String, String> values) {
        FileSpec d = run.flow.export().files().get(0);
        String relative = new PathTemplate(d.path()).render(values);
        try {
            Path published = files.publish(run.staged, relative, run.flow.id());
            run.staged = null;
            run.deliveries = List.of(new Delivered(d.name(), d.type(), relative, true, 1, null, "published",
                    published));
        } catch (IOException | IllegalArgumentException e) {
            throw new RunException("flow '" + run.flow.id() + "': cannot publish " + relative
                    + (e instanceof FileFaults.Explained ? "" : " in " + files.exportDir()) + ": " + e.getMessage(), e);
        }
    }

    private void keepPending(FlowRun run, Map<String, String> values, List<Delivered> failed) {
        String ext = run.flow.export().format().toml();
        Path kept = work.exportDir().resolve("pending").resolve(run.flow.id() + "-" + run.publishedRunId() + "."
                + ext);
        try {
            Files.createDirectories(kept.getParent());
            Files.move(run.staged, kept, StandardCopyOption.ATOMIC_MOVE);
            run.staged = null;
            Map<String, Integer> remaining = new LinkedHashMap<>();
            failed.forEach(d -> remaining.put(d.name(), d.chunks()));
            state.savePending(new PendingDelivery(run.flow.id(), run.flow.export().sourceDatasetId(),
                    run.publishedRunId(),
                    run.firstBatch, run.lastBatch, run.rows, kept, values, remaining,
                    failureMessage(run.flow.id(), failed, ""), Instant.now()));
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
    private void commit(FlowRun run, Long lastBatch) {
        ExportSpec spec = run.flow.export();
        CrashPoints.reach(CrashPoints.Stage.BEFORE_COMMIT, run.flow.id());
        if (spec.exportMode().usesWatermark() && lastBatch != null) {
            try {
                state.commitWatermark(run.flow.id(), spec.sourceDatasetId(), lastBatch, run.publishedRunId());
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
            state.deleteIntent(run.flow.id());
        } catch (RuntimeException e) {
            throw new RunException("flow '" + run.flow.id() + "': delivered the file but could not record that in "
                    + "the state store; the next run publishes it again, under the same names and ids: "
                    + e.getMessage(), e);
        }
    }

    private static Shipment shipment(FlowRun run, String runId, Path file, Map<String, String> values, Long first,
                                     Long last, long rows) {
        Flow flow = run.flow;
        ExportSpec spec = flow.export();
        boolean ranged = spec.exportMode() != ExportMode.FULL && first != null;
        boolean jsonl = spec.options() instanceof FormatOptions.Json j && j.jsonl();
        return new Shipment(flow.id(), runId, file, spec.format(), spec.format() == FileFormat.JSON && jsonl,
                values, range(first, last), ranged ? "batches " + range(first, last) : "run " + runId,
                () -> run.abortReason() != null, spec.sourceDatasetId(), spec.exportMode(), rows, first, last,
                run.query == null ? List.of() : run.query.outputColumns(), spec.options());
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
