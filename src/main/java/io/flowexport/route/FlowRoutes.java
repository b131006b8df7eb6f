package io.flowexport.route;

import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.run.RunTrigger;
import io.flowexport.run.SourceRetry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.timer.TimerConstants;

/**
 * Builds the Camel routes of flows.
 *
 * <p>Per export flow, route {@code flow-<id>} from {@code direct:flow-<id>}, one exchange per run. It looks the
 * flow up by id when the run begins, so a run uses the version of the flow that is current at that moment and
 * keeps it to the end, whatever reloads happen meanwhile. Then: begin the run (skipped when the flow is already
 * running, no longer loaded, or the runner is stopping), prepare the query; then either send a file an earlier
 * run still owes some destinations ({@link ExportRunner#redeliver}), or stream the query into the staged file (typed
 * JDBC reads on one thread, the format writer on another; or PostgreSQL's {@code COPY ... TO STDOUT} for CSV
 * exports whose bytes COPY can produce exactly, see {@link io.flowexport.query.CsvCopy}), publish and commit. When
 * the source database fails in a transient way before the file is handed over, the run prepares and exports again
 * ({@link SourceRetry}). On failure, clean up (Camel's doTry / doCatch / doFinally).
 *
 * <p>Per enabled trigger, route {@code trigger-<flow>-<trigger>} from Quartz or the timer. It hands the run to
 * the run thread pool (a wire tap) and returns at once, so that a trigger route never has a long exchange in
 * flight and can be replaced or removed at any time without waiting for a run.
 *
 * <p>The run's {@link RunResult} is left in the exchange property {@link #RESULT}.
 */
public final class FlowRoutes {

    /** Exchange property holding the {@link RunResult} of a finished run. */
    public static final String RESULT = "flowexport.result";
    /** Exchange property holding the {@link RunTrigger}; absent means a manual run. */
    public static final String TRIGGER = "flowexport.trigger";

    private static final String RUN = "flowexport.run";

    private final ExportRunner runner;
    private final SourceRetry retry;
    private final Function<String, Flow> versions;
    private final Consumer<RunResult> onResult;
    private final Map<String, Instant> lastFired = new ConcurrentHashMap<>();

    /**
     * @param runner   runs the exports
     * @param retry    how a run whose source database fails in a transient way is retried
     * @param versions the current version of a flow by id, or null when no such flow is loaded
     * @param onResult told of every finished or skipped run: it reports the run (log line, console, events)
     */
    public FlowRoutes(ExportRunner runner, SourceRetry retry, Function<String, Flow> versions,
                      Consumer<RunResult> onResult) {
        this.runner = runner;
        this.retry = retry;
        this.versions = versions;
        this.onResult = onResult;
    }

    /** The endpoint that runs a flow now. */
    public static String runEndpoint(String flowId) {
        return "direct:flow-" + flowId;
    }

    /** The id of the route that runs a flow. */
    public static String runRouteId(String flowId) {
        return "flow-" + flowId;
    }

    /** The id of the route of one trigger of a flow. */
    public static String triggerRouteId(String flowId, String triggerId) {
        return "trigger-" + flowId + "-" + triggerId;
    }

    /** The run routes of {@code flowIds}, without triggers (run-once). */
    public RouteBuilder runRoutes(List<String> flowIds) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                flowIds.forEach(id -> addRunRoute(this, id));
            }
        };
    }

    /**
     * The routes of {@code triggers} of {@code flow} (only enabled ones are given routes), each handing its runs
     * to {@code runPool}.
     */
    public RouteBuilder triggerRoutes(Flow flow, List<TriggerSpec> triggers, ExecutorService runPool) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                for (TriggerSpec t : triggers) {
                    if (!t.enabled()) {
                        continue;
                    }
                    String routeId = triggerRouteId(flow.id(), t.id());
                    lastFired.put(routeId, Instant.now());
                    from(TriggerUris.uri(flow, t)).routeId(routeId)
                            .process(e -> {
                                lastFired.put(routeId, Instant.now());
                                e.setProperty(TRIGGER, triggerOf(e, t));
                            })
                            .wireTap(runEndpoint(flow.id())).executorService(runPool);
                }
            }
        };
    }

    /** When the trigger last fired, or when its route was made if it has not fired since. */
    public Optional<Instant> lastFired(String flowId, String triggerId) {
        return Optional.ofNullable(lastFired.get(triggerRouteId(flowId, triggerId)));
    }

    private void addRunRoute(RouteBuilder b, String flowId) {
        b.from(runEndpoint(flowId)).routeId(runRouteId(flowId))
                .process(e -> begin(e, flowId))
                .filter(b.exchangeProperty(RUN).isNotNull())
                    .doTry()
                        .process(this::run)
                    .endDoTry()
                    .doCatch(Exception.class)
                        .process(this::fail)
                    .doFinally()
                        .process(this::end)
                    .end()
                .end();
    }

    private void begin(Exchange e, String flowId) {
        RunTrigger trigger = e.getProperty(TRIGGER, RunTrigger.class);
        RunTrigger t = trigger != null ? trigger : RunTrigger.manual();
        Flow flow = versions.apply(flowId);
        if (flow == null) {
            RunResult skipped = new RunResult(flowId, null, "-", t.kind(), Instant.now(),
                    RunStatus.SKIPPED, 0, 0, null, null, null, 0,
                    "flow '" + flowId + "' is not loaded (its file was removed, or it has never passed validation)");
            e.setProperty(RESULT, skipped);
            onResult.accept(skipped);
            return;
        }
        runner.begin(flow, t).ifPresentOrElse(run -> e.setProperty(RUN, run), () -> {
            RunResult skipped = ExportRunner.skipped(flow, t, runner.busyReason(flowId));
            e.setProperty(RESULT, skipped);
            onResult.accept(skipped);
        });
    }

    private void run(Exchange e) {
        e.setProperty(RESULT, retry.run(e.getProperty(RUN, FlowRun.class), this::attempt));
    }

    /** One attempt: prepare, then re-send a pending delivery, or export by COPY, or stream the rows. */
    private RunResult attempt(FlowRun run) {
        runner.prepare(run);
        if (run.pending() != null) {
            return runner.redeliver(run);
        }
        return run.copySql() != null ? runner.exportByCopy(run) : runner.export(run);
    }

    private void fail(Exchange e) {
        Exception error = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        e.setProperty(RESULT, runner.fail(e.getProperty(RUN, FlowRun.class), error));
    }

    private void end(Exchange e) {
        FlowRun run = e.getProperty(RUN, FlowRun.class);
        runner.end(run);
        RunResult result = e.getProperty(RESULT, RunResult.class);
        if (result != null) {
            onResult.accept(result);
        }
    }

    private static RunTrigger triggerOf(Exchange e, TriggerSpec t) {
        Object fired = e.getMessage().getHeader("scheduledFireTime");
        if (fired == null) {
            fired = e.getMessage().getHeader(TimerConstants.HEADER_FIRED_TIME);
        }
        Instant time = fired instanceof Date d ? d.toInstant() : Instant.now();
        return new RunTrigger(t.type().toml(), t.id(), time, t.timezone() != null ? t.timezone() : ZoneOffset.UTC);
    }
}
