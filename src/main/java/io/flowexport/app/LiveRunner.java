package io.flowexport.app;

import io.flowexport.cluster.Heartbeat;
import io.flowexport.config.Settings;
import io.flowexport.flow.Flow;
import io.flowexport.ops.ApiAuth;
import io.flowexport.ops.ApiRoutes;
import io.flowexport.ops.HealthRoutes;
import io.flowexport.ops.HttpFallback;
import io.flowexport.ops.Metrics;
import io.flowexport.ops.MetricsRoutes;
import io.flowexport.ops.PageRoutes;
import io.flowexport.ops.RunMetrics;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Severity;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.flowexport.ops.RunEvents;
import io.flowexport.ops.StatusReport;
import io.flowexport.reload.FlowReloader;
import io.flowexport.reload.LiveReload;
import io.flowexport.reload.OperatorRoutes;
import io.flowexport.reload.RouteReloader;
import io.flowexport.route.FlowRoutes;
import io.flowexport.route.LiveFlows;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.run.SourceProblem;
import io.flowexport.validate.FlowSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running runner inside a started Camel context: the flows of the flow directory and the operator
 * routes of the route directory, kept in line with the files while it runs ({@link LiveReload}); run events
 * ({@link RunEvents}); the status ({@link StatusReport}), the HTTP API ({@link ApiRoutes}) and the status page
 * ({@link PageRoutes}); and a stop that
 * lets runs finish, then aborts them, so no staged file is left behind.
 *
 * <p>A source database that is down, at start or later, does not stop the runner: its flows stay scheduled and
 * their runs fail (each retried per {@code flowexport.source.attempts}) until it is back.
 */
public final class LiveRunner {

    private static final Logger RUNS = LoggerFactory.getLogger("io.flowexport.runs");
    private static final Logger LOG = LoggerFactory.getLogger(LiveRunner.class);

    private final FlowExportApp app;
    private final Path flowsDir;
    private final Path routesDir;
    private final Path destinationsDir;
    private LiveReload reload;
    private StatusReport status;
    private RunEvents events;
    private volatile SourceProblem sourceDown;
    private Heartbeat heartbeat;
    /** The Prometheus registry {@code GET /metrics} serves; null without an HTTP server. */
    private PrometheusMeterRegistry prometheus;
    /** The runner's own meters on it; null without an HTTP server (nothing would serve them). */
    private RunMetrics metrics;

    /**
     * @param app       the runner's parts
     * @param flowsDir  the flow directory ({@code *.toml})
     * @param routesDir the operator route directory ({@code *.yaml}); may not exist
     * @param destinationsDir the destination catalogue ({@code <name>.toml}); may not exist
     */
    public LiveRunner(FlowExportApp app, Path flowsDir, Path routesDir, Path destinationsDir) {
        this.app = app;
        this.flowsDir = flowsDir;
        this.routesDir = routesDir;
        this.destinationsDir = destinationsDir;
    }

    /**
     * Loads the flows and operator routes into {@code context} (started), starts the HTTP API when configured,
     * and starts watching the directories.
     *
     * @throws Exception when Camel rejects the API routes or the file system cannot be watched
     */
    public void start(CamelContext context) throws Exception {
        Settings.Live s = app.settings().live();
        Path exportDir = app.settings().exportDir();
        HttpFallback fallback = null;
        if (s.httpPort() > 0) {
            // a JSON 503 "starting" while the routes are added, instead of Vert.x's HTML 404
            fallback = HttpFallback.install(context, s.httpPort());
            // before any route of ours or the operator's is added: no endpoint is ever served unprotected
            ApiAuth.install(context, s.httpPort(), app.settings().httpToken());
            // before the routes are added: camel-micrometer's route policy meters the routes added after it
            prometheus = Metrics.install(context);
            metrics = new RunMetrics(prometheus);
            app.meter(metrics);
        }
        io.flowexport.reload.OperatorRouteBeans.bind(context, app.source());
        ExecutorService runPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "flowexport-run", s.runThreads());
        // seda consumers (operator routes reading run events) stop only at the end of a poll: a short poll makes
        // replacing or removing such a route take about 100 ms instead of up to the 1 s default
        context.getComponent("seda", org.apache.camel.component.seda.SedaComponent.class).setDefaultPollTimeout(100);
        events = new RunEvents(context, exportDir);
        LiveFlows[] live = new LiveFlows[1];
        FlowRoutes routes = app.install(context, id -> live[0].current(id), this::onResult);
        live[0] = new LiveFlows(context, app.runner(), routes, runPool);
        FlowReloader flows = new FlowReloader(this::loadFlows, live[0], flow -> {
            if (!app.runner().isRunning(flow.id())) {
                app.removeLeftovers(List.of(flow));
            }
        }, Duration.ofSeconds(1));
        OperatorRoutes operatorRoutes = new OperatorRoutes(context);
        RouteReloader routeFiles = new RouteReloader(routesDir, operatorRoutes);
        status = new StatusReport(flows, operatorRoutes, live[0], app.runner(), exportDir,
                app.cluster().orElse(null), app.settings().cluster().heartbeat(), app.state());
        reload = new LiveReload(List.of(flowsDir, destinationsDir, routesDir), () -> {
            Instant again = flows.reload();
            routeFiles.reload();
            countReloads(flows, operatorRoutes);
            if (sourceDown != null) { // load again until the database is back, to check what was postponed
                Instant probe = Instant.now().plus(s.reloadRescan());
                again = again == null || probe.isBefore(again) ? probe : again;
            }
            return again;
        }, s.reloadQuiet(), s.reloadRescan());
        reload.start();
        LiveFlows flowsInForce = live[0];
        app.cluster().ifPresent(cluster -> {
            heartbeat = new Heartbeat(cluster,
                    () -> flowsInForce.all().stream().collect(java.util.stream.Collectors.toMap(
                            Flow::id, Flow::version, (a, b) -> a)),
                    () -> app.runner().runs().stream().map(r -> r.flow().id()).toList(),
                    id -> flowsInForce.current(id) != null && !app.runner().isRunning(id),
                    flowsInForce::fire);
        });
        if (heartbeat != null) {
            context.addRoutes(heartbeat.route(app.settings().cluster().heartbeat()));
        }
        if (s.httpPort() > 0) {
            // the API last: once GET /status answers (what probes, scripts and the tests wait for), the health
            // probes, /metrics and the page answer too
            context.addRoutes(new HealthRoutes(app::probeState, () -> app.probeSource().map(SourceProblem::message),
                    () -> filesWithErrors(flows, operatorRoutes)));
            context.addRoutes(new MetricsRoutes(prometheus, metrics, flowsInForce::all, app.state(),
                    app.runner(), s.metricsRefresh()));
            context.addRoutes(new PageRoutes());
            context.addRoutes(new ApiRoutes(status, live[0], runPool, exportDir, app.state()));
            fallback.started();
            LOG.info("HTTP API on http://{}:{}/ (GET /status, GET /flows/<id>, GET /flows/<id>/runs, "
                    + "POST /flows/<id>/run); status page at http://{}:{}/", s.httpHost(), s.httpPort(),
                    s.httpHost(), s.httpPort());
        }
    }

    /** The flow, catalogue and route files whose last reload found errors, as {@code file: n error(s)}. */
    private static List<String> filesWithErrors(FlowReloader flows, OperatorRoutes routes) {
        List<String> out = new java.util.ArrayList<>();
        reloadState(flows, routes).values().forEach(files -> files.stream().filter(f -> f.errors() > 0)
                .forEach(f -> out.add(f.file() + ": " + f.errors() + (f.errors() == 1 ? " error" : " errors"))));
        return out;
    }

    /** Gives the reload's outcome of every flow, catalogue and route file to the metrics. */
    private void countReloads(FlowReloader flows, OperatorRoutes routes) {
        if (metrics != null) {
            reloadState(flows, routes).forEach(metrics::reloaded);
        }
    }

    /**
     * Every flow, catalogue and route file as its last reload left it, by kind ({@code flow}, {@code destination},
     * {@code route}): the one reading of the reload state that the metrics and the readiness check share.
     */
    private static Map<String, List<RunMetrics.Reloaded>> reloadState(FlowReloader flows, OperatorRoutes routes) {
        Map<String, List<RunMetrics.Reloaded>> byKind = new LinkedHashMap<>();
        byKind.put("flow", flows.status().stream().map(f -> reloaded(f.file(), f.version(), f.result(),
                f.problems())).toList());
        byKind.put("destination", flows.catalogue().stream().map(f -> reloaded(f.file(), f.version(),
                f.hasErrors() ? "not loaded" : "loaded", f.problems())).toList());
        byKind.put("route", routes.status().stream().map(r -> reloaded(r.file(), r.version(), r.result(),
                r.problems())).toList());
        return byKind;
    }

    private static RunMetrics.Reloaded reloaded(Path file, String version, String result, List<Problem> problems) {
        int errors = (int) problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
        return new RunMetrics.Reloaded(file, version, result, errors, problems.size() - errors);
    }

    /**
     * Stops watching, then stops the runs: they get {@code flowexport.shutdown.grace} to finish, then are aborted
     * (nothing published, watermark unchanged, staged file deleted). Call before the Camel context stops.
     */
    public void stop() {
        if (reload != null) {
            reload.close();
        }
        Settings.Live s = app.settings().live();
        List<String> aborted = app.runner().shutdown(s.shutdownGrace(), Duration.ofSeconds(30));
        if (!aborted.isEmpty()) {
            LOG.warn("aborted the runs of {} at stop", aborted);
        }
        if (heartbeat != null) {
            heartbeat.leave();
        }
    }

    /**
     * Loads the flow directory; while the source database is unreachable, with its checks postponed (a warning
     * on each flow), so that the flows are scheduled and their runs say what is wrong. Logs the database going
     * down and coming back once each. Called on the reload thread only.
     */
    private FlowSet loadFlows() {
        SourceProblem down = app.probeSource().orElse(null);
        if (down != null && sourceDown == null) {
            LOG.error("{}. The runner keeps running: flows are loaded without their dataset checks and each run "
                    + "fails (after {} attempts, flowexport.source.attempts) until the database answers; "
                    + "operator routes, the HTTP API and destinations are not affected", down.message(),
                    app.settings().reliability().sourceAttempts());
        } else if (down == null && sourceDown != null) {
            LOG.info("the source database {} answers again; the flows' dataset checks are done now and the next "
                    + "runs read it", Settings.safeUrl(app.settings().sourceUrl()));
        }
        sourceDown = down;
        return app.loadFlows(flowsDir, destinationsDir, down, true);
    }

    private void onResult(RunResult r) {
        Path exportDir = app.settings().exportDir();
        if (r.status() == RunStatus.FAILED) {
            RUNS.error("{}", r.summary(exportDir));
        } else if (r.status() == RunStatus.SKIPPED) {
            RUNS.warn("{}", r.summary(exportDir));
        } else {
            RUNS.info("{}", r.summary(exportDir));
        }
        if (status != null) {
            status.record(r);
        }
        if (events != null) {
            events.publish(r);
        }
    }
}
