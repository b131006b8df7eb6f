package io.flowexport.ops;

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

    /** Whether destinations of a type leave a file at their target (a lake file), listed as the run's file. */
    private static boolean storesFiles(String type) {
        return DestinationTypes.registry().find(type).map(p -> p.storesFiles()).orElse(false);
    }

    private static String relative(Path file, Path exportDir) {
        return exportDir != null && file.startsWith(exportDir) ? exportDir.relativize(file).toString()
                : file.toString();
    }
}
