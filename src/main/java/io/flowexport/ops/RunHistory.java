package io.flowexport.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.DestinationTypes;
import io.flowexport.flow.Secrets;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every finished run (also skipped ones and ones that found nothing new) in the state store's run
 * history ({@link StateStore#recordRun}), and deletes runs older than the retention as it goes. A history that
 * cannot be written is logged and does not fail the run: the run's outcome (file, watermark) stands.
 */
public final class RunHistory implements Consumer<RunResult> {

    private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore state;
    private final Path exportDir;
    private final Duration retention;

    /**
     * @param state     the state store
     * @param exportDir published files are recorded relative to it when they are under it
     * @param retention how long runs are kept ({@code flowexport.history.retention}); zero keeps them forever
     */
    public RunHistory(StateStore state, Path exportDir, Duration retention) {
        this.state = state;
        this.exportDir = exportDir;
        this.retention = retention;
    }

    @Override
    public void accept(RunResult r) {
        try {
            state.recordRun(toRecord(r, exportDir), retention.isZero() ? null : Instant.now().minus(retention),
                    r.claim() == null ? null : r.claim().fence());
        } catch (io.flowexport.state.Fence.LeaseLostException e) {
            LOG.warn("run {} of flow '{}' is not recorded in the run history: {}", r.runId(), r.flowId(),
                    e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("flow '{}': cannot record run {} in the run history: {}", r.flowId(), r.runId(),
                    Secrets.redact(e.getMessage()));
        }
    }

    /**
     * The history entry of a run: local files relative to {@code exportDir} and lake files as their targets, each
     * destination's result, the error when it failed, its message otherwise.
     */
    public static RunRecord toRecord(RunResult r, Path exportDir) {
        List<String> files = new ArrayList<>();
        List<RunRecord.Destination> destinations = new ArrayList<>();
        for (Delivered d : r.deliveries()) {
            destinations.add(new RunRecord.Destination(d.name(), d.type(), Secrets.redact(d.target()), d.ok(),
                    Secrets.redact(d.detail())));
            if (d.ok() && d.published() != null) {
                files.add(relative(d.published(), exportDir));
            } else if (d.ok() && storesFiles(d.type())) {
                files.add(Secrets.redact(d.target()));
            }
        }
        if (files.isEmpty() && r.file() != null) {
            files.add(relative(r.file(), exportDir));
        }
        boolean failed = r.status() == RunStatus.FAILED;
        String message = Secrets.redact(r.message());
        return new RunRecord(r.flowId(), r.runId(), r.flowVersion(), r.trigger(), r.startedAt(), r.finishedAt(),
                r.status().label(), r.rows(), r.bytes(), r.firstBatch(), r.lastBatch(), files, destinations,
                failed ? message : null, failed ? null : message, r.claim() == null ? null : r.claim().runnerId(),
                r.claim() == null ? null : r.claim().triggerId(), r.claim() == null ? null : r.claim().fireTime());
    }

    /**
     * History entries as a JSON array, in the given order, for {@code history --json} and
     * {@code GET /flows/{id}/runs}: per run the fields of a run event ({@code flow_id}, {@code run_id},
     * {@code flow_version}, {@code trigger}, {@code status}, {@code started_at} and {@code finished_at} ISO-8601
     * UTC, {@code seconds} wall-clock duration, {@code rows}, {@code bytes}, {@code first_batch},
     * {@code last_batch}, {@code batch_range}, {@code files}, {@code destinations} with {@code name},
     * {@code type}, {@code target}, {@code ok}, {@code detail}, {@code error}, {@code message}) plus
     * {@code trigger_id}, {@code fire_time} and {@code runner_id} (null when unknown). Secrets were masked when
     * the run was recorded.
     */
    public static ArrayNode toJson(List<RunRecord> runs) {
        ArrayNode a = JSON.createArrayNode();
        for (RunRecord r : runs) {
            ObjectNode n = a.addObject();
            n.put("flow_id", r.flowId());
            n.put("run_id", r.runId());
            n.put("flow_version", r.flowVersion());
            n.put("trigger", r.trigger());
            n.put("trigger_id", r.triggerId());
            n.put("fire_time", r.fireTime() == null ? null : r.fireTime().toString());
            n.put("runner_id", r.runnerId());
            n.put("status", r.status());
            n.put("started_at", r.startedAt().toString());
            n.put("finished_at", r.finishedAt().toString());
            n.put("seconds", Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0);
            n.put("rows", r.rows());
            n.put("bytes", r.bytes());
            n.put("first_batch", r.firstBatch());
            n.put("last_batch", r.lastBatch());
            n.put("batch_range", r.batchRange());
            ArrayNode files = n.putArray("files");
            r.files().forEach(files::add);
            ArrayNode ds = n.putArray("destinations");
            for (RunRecord.Destination d : r.destinations()) {
                ds.addObject().put("name", d.name()).put("type", d.type()).put("target", d.target())
                        .put("ok", d.ok()).put("detail", d.detail());
            }
            n.put("error", r.error());
            n.put("message", r.message());
        }
        return a;
    }

    /** Whether destinations of a type leave a file at their target (a lake file), listed as the run's file. */
    private static boolean storesFiles(String type) {
        return DestinationTypes.registry().find(type).map(p -> p.storesFiles()).orElse(false);
    }

    private static String relative(Path file, Path exportDir) {
        return exportDir != null && file.startsWith(exportDir) ? exportDir.relativize(file).toString()
                : file.toString();
    }
}
