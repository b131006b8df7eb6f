package io.flowexport.ops;

import io.flowexport.destination.Delivered;
import io.flowexport.flow.Flow;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunListener;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's own meters ({@code flowexport_*} in Prometheus's naming), on the registry Camel's route metrics
 * share. Fed by every run result ({@link #accept}), the run's stages ({@link RunListener}: each destination's
 * outcome, each source retry), the reloads ({@link #reloaded}), and a periodic {@link #refresh} of what must be
 * read from the state store and the source (watermark lag, pending deliveries).
 *
 * <p>Labels are bounded: {@code flow} (a flow id), {@code status} ({@code ok}, {@code nothing_new},
 * {@code failed}, {@code skipped}), {@code destination} (a destination's name in its flow), {@code type} (a
 * destination type), {@code kind} and {@code result} of a reload. Never run ids, paths or messages. Units are
 * seconds and bytes. README's "Metrics" lists every meter.
 */
public final class RunMetrics implements Consumer<RunResult>, RunListener {

    private static final Logger LOG = LoggerFactory.getLogger(RunMetrics.class);

    /** The run duration histogram's bucket bounds, seconds. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1)};

    private final MeterRegistry registry;
    private final Map<String, FlowGauges> gauges = new ConcurrentHashMap<>();
    private final Map<String, Map<java.nio.file.Path, String>> reloadSeen = new java.util.HashMap<>();
    private final Map<String, AtomicLong> problems = new ConcurrentHashMap<>();

    /** The values of a flow's gauges; Micrometer reads them at each scrape. */
    private static final class FlowGauges {
        final AtomicLong lastSuccessMs = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong lagBatches = new AtomicLong();
        final AtomicLong lagMs = new AtomicLong();
        final AtomicLong pending = new AtomicLong();
    }

    /** @param registry where the meters are registered (the process's one, see {@link Metrics}) */
    public RunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts a finished, failed or skipped run. */
    @Override
    public void accept(RunResult r) {
        String status = status(r.status());
        Tags tags = Tags.of("flow", r.flowId(), "status", status);
        Counter.builder("flowexport.runs").description("Runs that ended, by flow and status")
                .tags(tags).register(registry).increment();
        Timer.builder("flowexport.run.duration").description("How long runs took, from begin to recorded")
                .tags(tags).serviceLevelObjectives(DURATION_BUCKETS).register(registry)
                .record(Duration.ofNanos((long) (r.seconds() * 1e9)));
        if (r.status() == RunStatus.SUCCEEDED) {
            Counter.builder("flowexport.exported.rows").description("Rows in published files")
                    .tag("flow", r.flowId()).register(registry).increment(r.rows());
            Counter.builder("flowexport.exported").baseUnit("bytes").description("Bytes of published files")
                    .tag("flow", r.flowId()).register(registry).increment(r.bytes());
        }
        if (r.ok() && r.status() != RunStatus.SKIPPED) {
            succeeded(r.flowId(), Instant.now().toEpochMilli());
        }
    }

    /** Counts one destination's outcome of a run: an attempt, and a failure or a re-sent pending delivery. */
    @Override
    public void deliveredTo(FlowRun run, Delivered outcome, boolean redelivery) {
        Tags tags = Tags.of("flow", run.flow().id(), "destination", outcome.name(), "type", outcome.type());
        Counter.builder("flowexport.delivery.attempts").description("Files given to a destination")
                .tags(tags).register(registry).increment();
        Counter retries = Counter.builder("flowexport.delivery.retries")
                .description("Files given to a destination again, owed by an earlier run").tags(tags)
                .register(registry);
        Counter failures = Counter.builder("flowexport.delivery.failures")
                .description("Files a destination did not take").tags(tags).register(registry);
        if (redelivery) {
            retries.increment();
        }
        if (!outcome.ok()) {
            failures.increment();
        }
    }

    /** Counts a failed attempt to read the source that the run retries. */
    @Override
    public void sourceRetry(FlowRun run, int attempt) {
        Counter.builder("flowexport.source.retries").description("Source reads retried after a transient failure")
                .tag("flow", run.flow().id()).register(registry).increment();
    }

    /**
     * One file as the last reload left it, for {@link #reloaded}.
     *
     * @param file     the file
     * @param version  its content's version
     * @param result   what the reload did, as {@code status} shows it ({@code added}, {@code replaced},
     *                 {@code kept last good version}, {@code not loaded}, ...)
     * @param errors   its problems of severity error
     * @param warnings its warnings
     */
    public record Reloaded(java.nio.file.Path file, String version, String result, int errors, int warnings) {
    }

    /** The reload result of a file that changed nothing in force. */
    private static final String UNCHANGED = "unchanged";

    /**
     * Takes the state of one kind of file after a reload: counts each file whose version or result changed since
     * the last call, but not to {@code unchanged} (and each file that went away, as {@code removed}), and sets the
     * problem gauges.
     *
     * @param kind  {@code flow}, {@code route} or {@code destination}
     * @param files every file of that kind, as the reload left them
     */
    public synchronized void reloaded(String kind, Collection<Reloaded> files) {
        Map<java.nio.file.Path, String> seen = reloadSeen.computeIfAbsent(kind, k -> new java.util.HashMap<>());
        java.util.Set<java.nio.file.Path> present = new java.util.HashSet<>();
        long errors = 0;
        long warnings = 0;
        for (Reloaded f : files) {
            present.add(f.file());
            errors += f.errors();
            warnings += f.warnings();
            String key = f.version() + " " + f.result();
            // "unchanged" changed nothing: e.g. a route file seen again, or a flow file edited back to the version
            // in force
            if (!key.equals(seen.put(f.file(), key)) && !UNCHANGED.equals(f.result())) {
                countReload(kind, f.result());
            }
        }
        for (java.nio.file.Path gone : java.util.List.copyOf(seen.keySet())) {
            if (!present.contains(gone)) {
                seen.remove(gone);
                countReload(kind, "removed");
            }
        }
        problemGauge(kind, "error").set(errors);
        problemGauge(kind, "warning").set(warnings);
    }

    private void countReload(String kind, String result) {
        Counter.builder("flowexport.reloads").description("File reloads that changed something, by kind and result")
                .tags("kind", kind, "result", result.replace(' ', '_')).register(registry).increment();
    }

    private AtomicLong problemGauge(String kind, String severity) {
        return problems.computeIfAbsent(kind + " " + severity, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("flowexport.reload.problems", v, AtomicLong::get)
                    .description("Problems the last reload found in the files, by kind of file and severity")
                    .tags("kind", kind, "severity", severity).register(registry);
            return v;
        });
    }

    /**
     * Registers the gauges of every flow in force (and starts their last success time from the run history, so a
     * restart does not reset it), and removes those of flows no longer in force.
     */
    public void track(Collection<Flow> flows, StateStore state) {
        for (Flow f : flows) {
            if (!f.isExport() || gauges.containsKey(f.id())) {
                continue;
            }
            FlowGauges g = flow(f.id());
            try {
                if (g.lastSuccessMs.get() == Long.MIN_VALUE) {
                    state.lastPublished(f.id()).ifPresent(rec -> succeeded(f.id(), rec.finishedAt().toEpochMilli()));
                }
            } catch (RuntimeException e) {
                LOG.debug("flow '{}': no last success time from the run history: {}", f.id(), e.getMessage());
            }
        }
        java.util.Set<String> ids = flows.stream().map(Flow::id).collect(java.util.stream.Collectors.toSet());
        for (String gone : gauges.keySet()) {
            if (!ids.contains(gone)) {
                gauges.remove(gone);
                // a removed flow's gauges would report its last values for ever; its counters stay (they only
                // grow, and Prometheus's rate() needs them to)
                registry.getMeters().stream().filter(m -> m instanceof Gauge
                                && gone.equals(m.getId().getTag("flow")))
                        .toList().forEach(registry::remove);
            }
        }
    }

    /**
     * Reads the watermark lag, the pending deliveries and the last published run of {@code flows} from the state
     * store and the source.
     * A flow whose dataset or state cannot be read keeps its last values (logged at DEBUG: the runs say why).
     */
    public void refresh(Collection<Flow> flows, StateStore state, ExportRunner runner) {
        track(flows, state);
        for (Flow f : flows) {
            if (!f.isExport()) {
                continue;
            }
            FlowGauges g = flow(f.id());
            try {
                g.pending.set(state.pending(f.id()).map(p -> (long) p.remaining().size()).orElse(0L));
                // a file another runner sharing the store published counts as this flow's success here too
                state.lastPublished(f.id()).ifPresent(rec -> succeeded(f.id(), rec.finishedAt().toEpochMilli()));
                if (!f.export().exportMode().usesWatermark()) {
                    continue;
                }
                OptionalLong newest = runner.newestUnexported(f);
                var mark = state.watermarkOf(f.id());
                if (newest.isEmpty()) {
                    g.lagBatches.set(0);
                    g.lagMs.set(0);
                } else {
                    long from = mark.map(StateStore.Watermark::batchId).orElse(newest.getAsLong() - 1);
                    g.lagBatches.set(Math.max(0, newest.getAsLong() - from));
                    g.lagMs.set(mark.map(m -> Math.max(0, Instant.now().toEpochMilli()
                            - Instant.parse(m.updatedAt()).toEpochMilli())).orElse(0L));
                }
            } catch (RuntimeException e) {
                LOG.debug("flow '{}': metrics not refreshed: {}", f.id(), e.getMessage());
            }
        }
    }

    /**
     * Sets a flow's last success time; its gauge appears then, so a flow that never succeeded has no series
     * (rather than NaN, which alert rules comparing it with {@code time()} would skip).
     */
    private void succeeded(String flowId, long epochMs) {
        FlowGauges g = flow(flowId);
        if (g.lastSuccessMs.getAndAccumulate(epochMs, Math::max) == Long.MIN_VALUE) {
            TimeGauge.builder("flowexport.last.success.timestamp", g.lastSuccessMs, TimeUnit.MILLISECONDS,
                            AtomicLong::get)
                    .description("When the flow's last successful run (ok or nothing new) ended, Unix time")
                    .tag("flow", flowId).register(registry);
        }
    }

    private FlowGauges flow(String id) {
        return gauges.computeIfAbsent(id, k -> {
            FlowGauges g = new FlowGauges();
            Gauge.builder("flowexport.watermark.lag.batches", g.lagBatches, AtomicLong::get)
                    .description("Batches between the watermark and the newest batch the next run would export")
                    .tag("flow", k).register(registry);
            TimeGauge.builder("flowexport.watermark.lag", g.lagMs, TimeUnit.MILLISECONDS, AtomicLong::get)
                    .description("Since when the watermark has not moved while newer batches wait; 0 when caught up")
                    .tag("flow", k).register(registry);
            Gauge.builder("flowexport.pending.deliveries", g.pending, AtomicLong::get)
                    .description("Destinations still owed a file by an earlier run")
                    .tag("flow", k).register(registry);
            return g;
        });
    }

    /** A run status as a label value: {@code ok}, {@code nothing_new}, {@code failed}, {@code skipped}. */
    static String status(RunStatus s) {
        return s.label().replace(' ', '_');
    }
}
