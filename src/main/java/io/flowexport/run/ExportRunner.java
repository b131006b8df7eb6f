package io.flowexport.run;

import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.JdbcRows;
import io.flowexport.dataset.PgBinaryRows;
import io.flowexport.dataset.SourceRows;
import io.flowexport.destination.Deliveries;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.FileFaults;
import io.flowexport.destination.Pause;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.ExportFormat;
import io.flowexport.format.ExportFormats;
import io.flowexport.format.RowWriter;
import io.flowexport.format.TextOutput;
import io.flowexport.format.UnwritableValueException;
import io.flowexport.format.csv.CsvText;
import io.flowexport.query.BinaryCopy;
import io.flowexport.query.CsvCopy;
import io.flowexport.query.ExportQuery;
import io.flowexport.query.QueryBuilder;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of a run, as plain Java that knows nothing of Camel (the {@code flowexport} Camel component calls
 * them, one route step each): {@link #begin} (one run per flow at a time), {@link #export} (prepare the query,
 * then stream the rows or COPY them into a staged file, retrying transient source failures; or take up a pending
 * delivery), {@link #deliver} (one destination), {@link #commit} (move the watermark), {@link #fail} (delete the
 * staged file, keep the watermark) and {@link #end}.
 */
public final class ExportRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final DateTimeFormatter TS_NODASH = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatasetCatalog catalog;
    private final Supplier<QueryBuilder> queries;
    private final StateStore state;
    private final ExportFormats formats;
    private final Publisher publisher;
    private final PostgresCopy copy;
    private final DataSource source;
    private final int fetchSize;
    private final SourceRetry retry;
    private final RunListener listener;
    private final RunSlots slots;
    private final Map<String, FlowRun> running = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private volatile boolean stopping;

    /**
     * @param catalog     the source database's datasets
     * @param queries     the query generator for the source database's dialect (asked once per run)
     * @param state       where watermarks are kept
     * @param formats     the format plugins
     * @param files       publishes files under the export directory
     * @param work        the work directory: staged files of flows with several destinations, pending files
     * @param deliveries  the connectors of every destination type
     * @param source      the source database (read-only connections, auto-commit off)
     * @param fetchSize   rows per round trip from the source
     * @param copy        COPY access to a PostgreSQL source for CSV exports, or null (other databases, or
     *                    {@code flowexport.source.copy=false})
     * @param retry       how runs retry transient source failures ({@code flowexport.source.attempts}, ...)
     * @param listener    told when runs reach the moments between stages ({@link RunListeners#discovered()})
     * @param slots       the run slots shared with the other runners of the state store
     */
    public ExportRunner(DatasetCatalog catalog, Supplier<QueryBuilder> queries, StateStore state, ExportFormats formats,
                        FileDestination files, FileDestination work, Deliveries deliveries, DataSource source,
                        int fetchSize, PostgresCopy copy, SourceRetry.Policy retry, RunListener listener,
                        RunSlots slots) {
        this.slots = slots;
        this.catalog = catalog;
        this.queries = queries;
        this.state = state;
        this.formats = formats;
        this.listener = listener;
        this.publisher = new Publisher(files, work, deliveries, state, listener);
        this.copy = copy;
        this.source = source;
        this.fetchSize = fetchSize;
        this.retry = new SourceRetry(retry, this::isStopping, listener);
    }

    /** Publishes files under the export directory. */
    public FileDestination files() {
        return publisher.files();
    }

    /** How runs retry transient source failures. */
    public SourceRetry retry() {
        return retry;
    }

    /**
     * Deletes the temporary files that crashed runs of {@code flow} left (never a file kept for a pending
     * delivery).
     *
     * @return the files deleted
     * @throws IOException when a directory cannot be listed or a file deleted
     */
    public List<Path> removeLeftovers(Flow flow) throws IOException {
        return publisher.removeLeftovers(flow);
    }

    /**
     * Starts a run of {@code flow} unless one is already in progress, here or on another runner sharing the state
     * store ({@link RunSlots}); a trigger's firing is claimed by one runner only.
     *
     * @return {@link Begun.Started} with the run, in stage {@link RunStage#BEGUN}; {@link Begun.Skipped} with the
     *         result to report when the flow is running (here or elsewhere), the runner is stopping or (for a
     *         manual or API run) the state store cannot be reached; {@link Begun.NotOurs} when another runner
     *         claimed this firing, or it could not be claimed because the state store cannot be reached (nothing
     *         to report: the runners that reach it run the firing)
     */
    public Begun begin(Flow flow, RunTrigger trigger) {
        if (stopping) {
            // a firing is left to the other runners; a manual run is refused
            return trigger.isFiring() ? new Begun.NotOurs(null)
                    : new Begun.Skipped(skipped(flow, trigger, busyReason(flow.id())));
        }
        String runId = newRunId();
        FlowRun placeholder = new FlowRun(flow, runId, trigger);
        boolean busyHere = running.putIfAbsent(flow.id(), placeholder) != null;
        if (busyHere && trigger.kind().equals("takeover")) {
            return new Begun.NotOurs(slots.runnerId());
        }
        if (busyHere && !trigger.isFiring()) {
            return new Begun.Skipped(skipped(flow, trigger, busyReason(flow.id())));
        }
        RunSlots.Taken taken;
        try {
            taken = slots.take(flow.id(), trigger, runId, busyHere);
        } catch (RuntimeException e) {
            taken = new RunSlots.Unreachable(e.getMessage());
        }
        if (taken instanceof RunSlots.Granted g && !busyHere) {
            FlowRun run = new FlowRun(flow, runId, trigger, slots.runnerId(), g.fence(), g.leaseNanos());
            running.replace(flow.id(), placeholder, run);
            return new Begun.Started(run);
        }
        if (!busyHere) {
            end(placeholder);
        }
        if (trigger.kind().equals("takeover")) { // another runner took it over, or will
            return new Begun.NotOurs(taken instanceof RunSlots.Busy b ? b.runnerId() : null);
        }
        if (taken instanceof RunSlots.Claimed c) {
            return new Begun.NotOurs(c.runnerId());
        }
        if (taken instanceof RunSlots.Busy b && b.runnerId() != null && !b.runnerId().equals(slots.runnerId())) {
            return new Begun.Skipped(skipped(flow, trigger, "a run of this flow" + (b.runId() != null ? " ("
                    + b.runId() + ")" : "") + " is in progress on runner " + b.runnerId()));
        }
        if (taken instanceof RunSlots.Unreachable u) {
            if (trigger.isFiring()) {
                // the runners that reach the state store run this firing; the heartbeat says once that it is gone
                LOG.debug("flow '{}': firing at {} not claimed: the state store cannot be reached: {}", flow.id(),
                        trigger.logicalTime(), u.message());
                return new Begun.NotOurs(null);
            }
            return new Begun.Skipped(skipped(flow, trigger, "the state store cannot be reached, so no run begins on "
                    + "this runner: " + u.message()));
        }
        return new Begun.Skipped(skipped(flow, trigger, busyReason(flow.id())));
    }

    /**
     * Renews the lease of each run in progress (the heartbeat calls this). A run whose lease another runner holds
     * now is aborted: nothing more is published and its state writes are refused. A run whose lease could not be
     * renewed (the state store did not answer) stops by itself once the lease may have run out.
     */
    public void renewLeases() {
        for (FlowRun run : running.values()) {
            if (run.fence() == null) {
                continue;
            }
            long sent = System.nanoTime();
            switch (slots.renew(run.fence())) {
                case RENEWED -> run.renewed(sent, slots.leaseNanos());
                case LOST -> {
                    LOG.warn("flow '{}': run {} lost the flow's lease to another runner (it was not renewed in time);"
                            + " it stops and publishes nothing more", run.flow.id(), run.runId);
                    run.abort("another runner took the flow over");
                }
                case UNREACHABLE -> { } // the run stops by itself once its lease may have run out
            }
        }
    }

    /** The id of this runner ({@code flowexport.runner.id}). */
    public String runnerId() {
        return slots.runnerId();
    }

    /** The runs in progress on this runner, one per flow, as of now (a copy; for the heartbeat and status). */
    public java.util.Collection<FlowRun> runs() {
        return List.copyOf(running.values());
    }

    /** Why {@link #begin} returned empty for {@code flowId}: the runner is stopping, or the flow is busy. */
    public String busyReason(String flowId) {
        return stopping ? "the runner is stopping" : "a run of this flow is still in progress";
    }

    /** True once {@link #shutdown} was called: no run begins any more, and failed ones are not retried. */
    public boolean isStopping() {
        return stopping;
    }

    /** The run of the flow in progress, if any. */
    public Optional<FlowRun> current(String flowId) {
        return Optional.ofNullable(running.get(flowId));
    }

    /**
     * Stops the runner: no run begins any more; runs in progress get {@code grace} to finish, then are aborted
     * (they fail, delete their staged file and leave the watermark), and this waits up to {@code abortWait} for
     * them to clean up.
     *
     * @return the ids of the flows whose runs were aborted
     */
    public List<String> shutdown(Duration grace, Duration abortWait) {
        stopping = true;
        awaitIdle(grace);
        List<String> aborted = new ArrayList<>();
        for (FlowRun run : running.values()) {
            aborted.add(run.flow.id());
            LOG.warn("flow '{}': run {} did not finish within {} of the stop request; aborting it (nothing is "
                    + "published, the watermark stays)", run.flow.id(), run.runId, grace.toMillis() + " ms");
            run.abort("the runner is stopping");
        }
        if (!awaitIdle(abortWait)) {
            LOG.error("runs still in progress after abort: {}", running.keySet());
        }
        return aborted;
    }

    private boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return running.isEmpty();
                }
            }
        }
        return true;
    }

    /** True while a run of the flow is in progress. */
    public boolean isRunning(String flowId) {
        return running.containsKey(flowId);
    }

    /**
     * Works out what a run of {@code flow} would do (dataset, watermark, query, path), without running it or
     * taking the flow's run slot: for {@code plan}.
     *
     * @throws RunException as {@link #prepare}
     */
    public Prepared plan(Flow flow, RunTrigger trigger) {
        return prepare(new FlowRun(flow, newRunId(), trigger), false);
    }

    /**
     * The placeholder values the next run of {@code flow} would publish under, for {@code plan}: a pending
     * delivery's or a replayed run's; else the run's own, {@code batch_id} included when it can be known now (for
     * any destination that names it): the configured batch ({@code batch} mode), else the highest batch the
     * export query reads now (one {@code MIN}/{@code MAX} query on the source; absent when it reads none).
     *
     * @param p what {@link #plan} worked out for the flow
     * @throws RunException when the source cannot be read
     */
    public Map<String, String> plannedValues(Flow flow, Prepared p) {
        if (p.pending() != null) {
            return p.pending().values();
        }
        if (p.replay() != null) {
            return p.replay().values();
        }
        Map<String, String> values = new HashMap<>(p.placeholders());
        ExportSpec spec = flow.export();
        if (spec.exportMode() == ExportMode.BATCH) {
            values.put("batch_id", String.valueOf(spec.batchId()));
            return values;
        }
        if (p.query().batchRangeSql() == null) {
            return values;
        }
        Long last = highestBatch(flow, p);
        if (last != null) {
            values.put("batch_id", String.valueOf(last));
        }
        return values;
    }

    /**
     * The highest batch the prepared export query reads now: one {@code MIN}/{@code MAX} query on the source, in
     * a transaction rolled back after it.
     *
     * @return the batch id, or null when the query reads no row
     * @throws RunException when the source cannot be read; the message names the flow, the dataset and SQLState
     */
    private Long highestBatch(Flow flow, Prepared p) {
        try (Connection c = source.getConnection()) {
            try {
                return p.query().readBatchRange(c).last();
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new RunException("flow '" + flow.id() + "': finding the batches the next run would export in "
                    + "dataset '" + flow.export().sourceDatasetId() + "' failed" + (e.getSQLState() != null
                    ? " (SQLState " + e.getSQLState() + ")" : "") + ": " + e.getMessage(), e);
        }
    }

    /**
     * How far a flow that keeps a watermark is behind its dataset, for metrics: the highest batch the next run
     * would export (one {@code MIN}/{@code MAX} query on the source, as {@link #plannedValues}).
     *
     * @return the highest batch above the watermark that the next run would export; empty when there is none
     *         (caught up), or when the flow's mode keeps no watermark or its dataset has no batch column
     * @throws RunException when the dataset or the source cannot be read
     */
    public java.util.OptionalLong newestUnexported(Flow flow) {
        if (!flow.export().exportMode().usesWatermark()) {
            return java.util.OptionalLong.empty();
        }
        Prepared p = plan(flow, RunTrigger.manual());
        if (p.query().batchRangeSql() == null) {
            return java.util.OptionalLong.empty();
        }
        Long last = highestBatch(flow, p);
        return last == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(last);
    }

    /**
     * The export stage: prepares the run, then streams its rows into a staged file (reading and writing on two
     * threads) or, for CSV exports PostgreSQL can produce exactly, COPYs them, and records the run intent; or,
     * when an earlier run still owes some destinations its file, takes up that file. A transient failure of the
     * source database before the file is handed over makes the run prepare and export again (see
     * {@link SourceRetry}).
     *
     * @return the staged file for the destinations ({@link RunStage#HANDED_OVER}), or nothing new
     *         ({@link RunStage#COMMITTED})
     * @throws RunException when preparing, reading, writing or recording fails; the caller then calls
     *                      {@link #fail}
     */
    public ExportOutcome export(FlowRun run) {
        return retry.run(run, this::attempt);
    }

    /** One attempt of the export stage. */
    private ExportOutcome attempt(FlowRun run) {
        Prepared p = prepare(run);
        if (p.pending() != null) {
            return publisher.takeUpPending(run, p);
        }
        Path staged = null;
        try {
            staged = publisher.stage(run);
            run.writingTo(staged);
            Written w;
            StagedSync sync = StagedSync.start(staged, run.flow.id());
            try (sync) {
                w = p.copySql() != null ? writeByCopy(run, p, staged) : write(run, p, staged);
            }
            if (sync.failure() != null) {
                throw writeFailed(run, staged, sync.failure());
            }
            run.advance(RunStage.STAGED);
            return publisher.handOver(run, p, staged, w);
        } catch (RuntimeException e) {
            deleteQuietly(run, staged);
            throw e;
        }
    }

    /**
     * Looks up the dataset and the watermark, builds the query and renders the path placeholders known before
     * the export ({@code {batch_id}} comes after it).
     *
     * @throws RunException when the dataset is gone, changed so the query cannot be built, or the state store
     *                      cannot be read
     */
    Prepared prepare(FlowRun run) {
        Prepared p = prepare(run, true);
        run.advance(RunStage.PREPARED);
        return p;
    }

    /**
     * As {@link #prepare(FlowRun)}; with {@code settle}, a flow with a {@code settle_time} also finds its highest
     * new batch and waits the settle time before the query is fixed (see {@link #settle}).
     */
    private Prepared prepare(FlowRun run, boolean settle) {
        ExportSpec spec = run.flow.export();
        String datasetId = spec.sourceDatasetId();
        Dataset dataset;
        OptionalLong watermark = OptionalLong.empty();
        PendingDelivery pending;
        RunIntent replay;
        ExportQuery query;
        String copySql = null;
        BinaryCopy.Decision binaryCopy = null;
        String path;
        try {
            dataset = catalog.find(datasetId).orElseThrow(() -> new RunException("flow '" + run.flow.id()
                    + "': dataset '" + datasetId + "' does not exist in the source database; check "
                    + "properties.export.source_dataset_id in " + run.flow.file(), null));
            if (spec.exportMode().usesWatermark()) {
                watermark = state.watermark(run.flow.id(), datasetId);
            }
            pending = state.pending(run.flow.id()).orElse(null);
            replay = pending != null ? null : state.intent(run.flow.id())
                    .filter(i -> i.datasetId().equals(datasetId)).orElse(null);
            QueryBuilder builder = queries.get();
            OptionalLong upTo = replay != null && replay.lastBatch() != null
                    ? OptionalLong.of(replay.lastBatch()) : OptionalLong.empty();
            query = builder.build(spec, dataset, watermark, upTo);
            if (settle && replay == null && pending == null && spec.exportMode().usesWatermark()
                    && !spec.settleTime().isZero()) {
                query = settle(run, builder, dataset, watermark, query);
            }
            String writer = spec.format().toml() + " writer";
            String offCsvCopy = null; // why a CSV export does not take the CSV COPY path
            if (copy != null && spec.options() instanceof FormatOptions.Csv csv) {
                CsvCopy.Decision d = CsvCopy.plan(query, csv, builder);
                copySql = d.copySql();
                offCsvCopy = d.why();
            }
            if (copySql != null) {
                path = "PostgreSQL COPY ... TO STDOUT (FORMAT csv)";
            } else if (copy == null) {
                path = "generic (JDBC stream + " + writer + "): the source is not PostgreSQL, or "
                        + "flowexport.source.copy=false";
            } else {
                BinaryCopy.Decision b = copy.binary() ? BinaryCopy.plan(query, builder) : null;
                binaryCopy = b != null && b.useCopy() ? b : null;
                path = (binaryCopy != null ? "PostgreSQL COPY ... TO STDOUT (FORMAT binary) + " + writer
                        : "generic (JDBC stream + " + writer + "): "
                        + (b == null ? "flowexport.source.copy-binary=false" : b.reason()))
                        + (offCsvCopy == null ? "" : "; not COPY (FORMAT csv): " + offCsvCopy);
            }
        } catch (RunException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new RunException("flow '" + run.flow.id() + "': cannot prepare the export: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new RunException("flow '" + run.flow.id() + "': finding the new batches of dataset '" + datasetId
                    + "' failed" + (e.getSQLState() != null ? " (SQLState " + e.getSQLState() + ")" : "") + ": "
                    + e.getMessage(), e);
        }
        Map<String, String> placeholders = placeholders(run.flow, run.trigger, run.runId);
        if (replay != null) {
            placeholders = new HashMap<>(replay.values());
            placeholders.remove("batch_id");
            LOG.info("flow '{}': run {} replays run {} (batches {}), which was interrupted while publishing: same "
                    + "names and ids", run.flow.id(), run.runId, replay.runId(),
                    RunRecord.range(replay.firstBatch(), replay.lastBatch()));
        }
        return new Prepared(dataset, query, watermark, placeholders, copySql, binaryCopy, path, pending, replay);
    }

    /**
     * The late-batch rule: finds the highest batch above the watermark that the run would export now, waits the
     * flow's {@code settle_time} (ending early when the run is aborted), and returns the query bounded to that
     * batch. Batches below it whose transactions commit during the wait are read by this run; batches above it
     * are left for a later run (they settle then). Without new batches, returns the query as it is.
     */
    private ExportQuery settle(FlowRun run, QueryBuilder builder, Dataset dataset,
                               OptionalLong watermark, ExportQuery q) throws SQLException {
        if (q.batchRangeSql() == null) {
            return q;
        }
        Duration wait = run.flow.export().settleTime();
        Long highest;
        // the connection stays open (idle in its read-only transaction) during the wait: operators and tests see
        // the query in pg_stat_activity while the run waits
        try (Connection c = source.getConnection()) {
            try {
                highest = q.readBatchRange(c).last();
                if (highest == null) {
                    return q;
                }
                LOG.info("flow '{}': batches up to {} are new; waiting settle_time {} before reading them, so that "
                        + "lower batches still committing are not skipped", run.flow.id(), highest,
                        io.flowexport.flow.Durations.format(wait));
                if (!Pause.pause(wait, () -> run.abortReason() != null)) {
                    throw new RunException("flow '" + run.flow.id() + "': run stopped (" + run.abortReason()
                            + ") while waiting for batches to settle; nothing was published and the watermark stays",
                            null);
                }
            } finally {
                c.rollback();
            }
        }
        return builder.build(run.flow.export(), dataset, watermark, OptionalLong.of(highest));
    }

    /**
     * Streams the rows into the staged file: read on one thread (PostgreSQL's binary COPY when
     * {@link Prepared#binaryCopy()} is set, else typed JDBC reads), the format writer on another.
     */
    private Written write(FlowRun run, Prepared p, Path staged) {
        ExportSpec spec = run.flow.export();
        ExportFormat format = formats.get(spec.format());
        try (SourceRows rows = p.binaryCopy() != null
                ? PgBinaryRows.open(source, p.binaryCopy().copySql(), p.query(), p.binaryCopy().wires(),
                        pg -> run.onAbort(pg::cancelQuery))
                : JdbcRows.open(source, p.query(), fetchSize, st -> run.onAbort(st::cancel));
             RowWriter writer = format.open(staged, p.query().outputColumns(), spec.options())) {
            return RowPump.copy(run, p.query(), rows, writer);
        } catch (UnwritableValueException e) {
            // the data, not the disk: no file-system advice
            throw new RunException("flow '" + run.flow.id() + "': " + e.getMessage() + "; nothing was published "
                    + "and the watermark stays", e);
        } catch (IOException e) {
            throw writeFailed(run, staged, e);
        } catch (SQLException e) {
            throw new RunException("flow '" + run.flow.id() + "': reading dataset '" + spec.sourceDatasetId()
                    + "' failed" + (e.getSQLState() != null ? " (SQLState " + e.getSQLState() + ")" : "") + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Writes a CSV export by PostgreSQL's {@code COPY (query) TO STDOUT}: the header and byte order mark written
     * by us, the rows by the database, straight into the staged file. Only for runs whose
     * {@link Prepared#copySql()} is set.
     */
    private Written writeByCopy(FlowRun run, Prepared p, Path staged) {
        FormatOptions.Csv csv = (FormatOptions.Csv) run.flow.export().options();
        try (OutputStream out = new AbortCheck(run, TextOutput.openStream(staged, csv.encoding()))) {
            if (csv.includeHeader()) {
                out.write(CsvText.header(p.query().outputColumns(), csv.delimiter())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return copy.copy(run, p.query(), p.copySql(), out);
        } catch (IOException e) {
            throw writeFailed(run, staged, e);
        } catch (SQLException e) {
            throw new RunException("flow '" + run.flow.id() + "': COPY into " + staged + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The staged file could not be created or written (a full disk, a directory the runner may not write). */
    private static RunException writeFailed(FlowRun run, Path staged, IOException e) {
        return new RunException("flow '" + run.flow.id() + "': " + FileFaults.explain("write the export file",
                staged, e).getMessage() + "; nothing was published and the watermark stays: the next run "
                + "exports the same batches", e);
    }

    /**
     * The deliver stage for one destination: sends the staged file to the flow's destination {@code name},
     * unless the run was asked to stop or a re-sent pending delivery does not owe it the file.
     *
     * @return {@code staged} with the destination's result added (unchanged when it was not sent)
     * @throws RunException when the file of a flow whose only destination is a file cannot be published; other
     *                      destinations' failures come back in the result, and {@link #commit} decides
     */
    public Staged deliver(FlowRun run, Staged staged, String name) {
        return publisher.deliver(run, staged, name);
    }

    /**
     * The commit stage: when every destination has the file, moves the watermark (incremental modes) and
     * forgets the run intent; when some do not, keeps the file as a pending delivery for those.
     *
     * @return the run's result, {@link RunStatus#SUCCEEDED}
     * @throws RunException when a destination did not get the file, the run was stopped, or the state store
     *                      failed; the caller then calls {@link #fail}
     */
    public RunResult commit(FlowRun run, Staged staged) {
        RunResult r = publisher.commit(run, staged);
        run.advance(RunStage.COMMITTED);
        return r;
    }

    /**
     * Records a failed run: deletes the run's staged file (never a pending delivery's kept file); the watermark
     * stays where it was.
     *
     * @param outcome what the run had produced when it failed (a {@link Staged} file), or null
     * @return the failed result, whose message says what went wrong
     */
    public RunResult fail(FlowRun run, Object outcome, Throwable error) {
        if (outcome instanceof Staged s && s.ownsFile()) {
            deleteQuietly(run, s.file());
        }
        if (run.stage() != RunStage.COMMITTED && run.stage() != RunStage.FAILED) {
            run.advance(RunStage.FAILED);
        }
        String message = run.abortReason() != null
                ? "flow '" + run.flow.id() + "': run stopped (" + run.abortReason()
                        + "); nothing was published and the watermark stays"
                : error instanceof RunException ? error.getMessage()
                : "flow '" + run.flow.id() + "': " + describe(error);
        Staged s = outcome instanceof Staged st ? st : null;
        return result(run, RunStatus.FAILED, 0, null, message, s);
    }

    /** Ends the run: the flow may run again. */
    public void end(FlowRun run) {
        running.remove(run.flow.id(), run);
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /**
     * The order in which a run delivers to the flow's destinations: every other destination first, file
     * destinations last (they copy the staged file, which must still be there for the others).
     */
    public static List<DestinationSpec> deliveryOrder(Flow flow) {
        return Deliveries.deliveryOrder(flow.export().destinations());
    }

    /**
     * A result for a run that was not started.
     *
     * @param reason why, e.g. {@link #busyReason}
     */
    public RunResult skipped(Flow flow, RunTrigger trigger, String reason) {
        return new RunResult(flow.id(), flow.version(), newRunId(), trigger.kind(), Instant.now(), RunStatus.SKIPPED,
                0, 0, null, null, null, 0, reason, List.of(),
                new RunResult.Claim(slots.runnerId(), trigger.triggerId(), trigger.fireTime(), null));
    }

    static void deleteQuietly(FlowRun run, Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("flow '{}': cannot delete staged file {}: {}; it is removed at the next start",
                        run.flow.id(), file, e.getMessage());
            }
        }
    }

    /**
     * The run's result.
     *
     * @param staged what was delivered (rows, batches and deliveries come from it), or null before a file was
     *               staged
     */
    static RunResult result(FlowRun run, RunStatus status, long bytes, Path file, String message, Staged staged) {
        double seconds = (System.nanoTime() - run.startNanos) / 1e9;
        long rows = status == RunStatus.SUCCEEDED && staged != null ? staged.rows() : 0;
        return new RunResult(run.flow.id(), run.flow.version(), run.runId, run.trigger.kind(), run.startedAt, status,
                rows, bytes, file, staged == null ? null : staged.firstBatch(),
                staged == null ? null : staged.lastBatch(), seconds, io.flowexport.flow.Secrets.redact(message),
                staged == null ? List.of() : staged.deliveries(), run.claim());
    }

    /**
     * The placeholder values of a run ({@code {ds}}, {@code {ts}}, {@code {flow_id}}, {@code {run_id}}, ...;
     * {@code {batch_id}} excluded): times are the trigger's logical time in its zone.
     */
    public static Map<String, String> placeholders(Flow flow, RunTrigger trigger, String runId) {
        ZonedDateTime t = trigger.logicalTime().atZone(trigger.zone());
        Map<String, String> values = new HashMap<>();
        values.put("ds", t.toLocalDate().toString());
        values.put("ds_nodash", t.toLocalDate().toString().replace("-", ""));
        values.put("ts", TS.format(t));
        values.put("ts_nodash", TS_NODASH.format(t));
        values.put("flow_id", flow.id());
        values.put("namespace", flow.namespace());
        values.put("run_id", runId);
        return values;
    }

    /** A new run id: the UTC time to the second and 6 random hex digits, e.g. {@code 20261121T013353Z-e0660c}. */
    public static String newRunId() {
        return RUN_ID_TIME.format(java.time.Instant.now().atZone(java.time.ZoneOffset.UTC))
                + "-" + String.format(Locale.ROOT, "%06x", RANDOM.nextInt(1 << 24));
    }

    /** Fails writes once the run is aborted, so a COPY stops at its next chunk. */
    private static final class AbortCheck extends java.io.FilterOutputStream {
        private final FlowRun run;

        AbortCheck(FlowRun run, OutputStream out) {
            super(out);
            this.run = run;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            run.checkAborted();
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            run.checkAborted();
            out.write(b);
        }
    }

    /** A failure's message with the causes that say more, for one-line reports. */
    static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder(String.valueOf(error.getMessage() != null ? error.getMessage()
                : error.getClass().getSimpleName()));
        Throwable cause = error.getCause();
        while (cause != null && cause != error) {
            if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
                sb.append(": ").append(cause.getMessage());
            }
            error = cause;
            cause = cause.getCause();
        }
        return sb.toString();
    }
}
