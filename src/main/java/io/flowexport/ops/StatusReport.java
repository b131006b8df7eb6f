package io.flowexport.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.UnixCron;
import io.flowexport.reload.FlowFileStatus;
import io.flowexport.reload.FlowReloader;
import io.flowexport.reload.OperatorRoutes;
import io.flowexport.reload.RouteFileStatus;
import io.flowexport.route.LiveFlows;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.diag.Problem;
import io.flowexport.state.PendingDelivery;
import io.flowexport.state.StateStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live status of a running runner, as JSON for {@code GET /status} and the {@code status} command.
 *
 * <p>Shape: {@code {"started_at", "flows": [...], "routes": [...]}}. One entry of {@code flows} per flow file:
 * {@code file}, {@code flow_id}, {@code version} (content hash of the file on disk), {@code active_version}
 * (the version in force; differs while a broken edit is kept out), {@code reload} ({@code result},
 * {@code checked_at}, {@code problems} as {@code path:line:col: key: message}), {@code state}
 * ({@code running}, {@code idle} or {@code not loaded}), {@code run} (the run in progress: {@code run_id},
 * {@code started_at}, {@code trigger}, {@code flow_version}), {@code triggers} ({@code id}, {@code type},
 * {@code schedule}/{@code timezone} or {@code every}, {@code enabled}, {@code next_fire} UTC), {@code last_run}
 * (the last run that was not skipped, as a run event; see {@link RunEvents#toJson}). One entry of {@code routes}
 * per operator route file: {@code file}, {@code version}, {@code active_version}, {@code route_ids},
 * {@code result}, {@code checked_at}, {@code problems}. One entry of {@code destinations} per catalogue file:
 * {@code file}, {@code name}, {@code version}, {@code valid}, {@code problems}.
 *
 * <p>{@code runner_id} is this runner's id; {@code cluster} is every runner sharing the state store, as the state
 * store sees them: {@code runners} ({@code id}, {@code host}, {@code pid}, {@code app_version},
 * {@code last_heartbeat_ms_ago}, {@code running}: the flows it runs, {@code live}: heard from within three
 * heartbeats), {@code leases} (flow id to the runner running it now), {@code firings} (per trigger:
 * {@code flow_id}, {@code trigger_id}, {@code last_fire}, {@code runner_id} that claimed it, {@code next_fire}),
 * and {@code version_differences} (flow id to runner id to version, for flows whose live runners have loaded
 * different versions); or {@code error} when the state store cannot be read. Each flow entry has
 * {@code running_on}: the runner running it now (any runner), or null.
 *
 * <p>Each flow entry also has {@code pending}: the delivery the flow still owes some destinations (a run whose
 * file reached some destinations but not all; the next run sends it to the rest first), as {@code run_id},
 * {@code file} (the kept file, under the work directory), {@code destinations} (the names still owed, sorted),
 * {@code rows}, {@code batch_range}, {@code created_at} (UTC), {@code last_error} (secrets masked); null when
 * nothing is owed; or {@code {"error": "..."}} when the state store cannot be read. One state store query per
 * flow; after the first failure the report does not ask again, so a store that is down costs one timeout, not
 * one per flow.
 */
public final class StatusReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant startedAt = Instant.now();
    private final FlowReloader flows;
    private final OperatorRoutes routes;
    private final LiveFlows live;
    private final ExportRunner runner;
    private final Path exportDir;
    private final Map<String, RunResult> lastRuns = new ConcurrentHashMap<>();
    private final io.flowexport.cluster.Cluster cluster;
    private final long liveMs;
    private final StateStore state;

    /**
     * @param flows      the flow files' reload status
     * @param routes     the operator route files' reload status
     * @param live       the flows in force
     * @param runner     the runs in progress
     * @param exportDir  files are shown relative to it
     * @param cluster    the runners sharing the state store, or null
     * @param heartbeat  how often runners beat ({@code flowexport.cluster.heartbeat}): a runner heard from within
     *                   three is live
     * @param state      the state store, for the flows' pending deliveries
     */
    public StatusReport(FlowReloader flows, OperatorRoutes routes, LiveFlows live, ExportRunner runner, Path exportDir, io.flowexport.cluster.Cluster cluster,
                        java.time.Duration heartbeat, StateStore state) {
        this.state = state;
        this.cluster = cluster;
        this.liveMs = heartbeat.toMillis() * 3;
        this.flows = flows;
        this.routes = routes;
        this.live = live;
        this.runner = runner;
        this.exportDir = exportDir;
    }

    /** Records a finished run; skipped runs do not replace the last real one. */
    public void record(RunResult result) {
        if (result.status() != RunStatus.SKIPPED || !lastRuns.containsKey(result.flowId())) {
            lastRuns.put(result.flowId(), result);
        }
    }

    /** The whole status. */
    public ObjectNode all() {
        ObjectNode root = JSON.createObjectNode();
        root.put("started_at", startedAt.toString());
        root.put("runner_id", runner.runnerId());
        io.flowexport.cluster.Cluster.View view = clusterView(root);
        ArrayNode fl = root.putArray("flows");
        String[] storeDown = new String[1];
        for (FlowFileStatus f : flows.status()) {
            fl.add(flowFile(f, view, storeDown));
        }
        ArrayNode dt = root.putArray("destinations");
        for (io.flowexport.validate.FileOutcome d : flows.catalogue()) {
            ObjectNode n = dt.addObject();
            n.put("file", d.file().toString());
            n.put("name", d.flowId());
            n.put("version", d.version());
            n.put("valid", !d.hasErrors());
            problems(n, d.problems());
        }
        ArrayNode rt = root.putArray("routes");
        for (RouteFileStatus r : routes.status()) {
            ObjectNode n = rt.addObject();
            n.put("file", r.file().toString());
            n.put("version", r.version());
            n.put("active_version", r.activeVersion());
            ArrayNode ids = n.putArray("route_ids");
            r.routeIds().forEach(ids::add);
            n.put("result", r.result());
            n.put("checked_at", r.checkedAt().toString());
            problems(n, r.problems());
        }
        return root;
    }

    /** The entry of the file whose flow (in force, or declared) is {@code flowId}. */
    public Optional<ObjectNode> flow(String flowId) {
        for (FlowFileStatus f : flows.status()) {
            if (flowId.equals(f.activeFlowId()) || f.activeFlowId() == null && flowId.equals(f.flowId())) {
                return Optional.of(flowFile(f, clusterView(JSON.createObjectNode()), new String[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the cluster from the state store into {@code root.cluster}.
     *
     * @return the view, or null when there is no cluster or it cannot be read ({@code cluster.error} says why)
     */
    private io.flowexport.cluster.Cluster.View clusterView(ObjectNode root) {
        if (cluster == null) {
            return null;
        }
        ObjectNode c = root.putObject("cluster");
        io.flowexport.cluster.Cluster.View view;
        try {
            view = cluster.view();
        } catch (java.sql.SQLException | RuntimeException e) {
            c.put("error", "cannot read the cluster from the state store: " + e.getMessage());
            return null;
        }
        ArrayNode rs = c.putArray("runners");
        for (io.flowexport.cluster.Cluster.Runner r : view.runners()) {
            ObjectNode n = rs.addObject();
            n.put("id", r.id());
            n.put("host", r.host());
            n.put("pid", r.pid());
            n.put("app_version", r.appVersion());
            n.put("last_heartbeat_ms_ago", r.heartbeatAgeMs());
            n.put("live", r.heartbeatAgeMs() <= liveMs);
            ArrayNode running = n.putArray("running");
            r.running().forEach(running::add);
        }
        ObjectNode leases = c.putObject("leases");
        view.leases().forEach(leases::put);
        ArrayNode fs = c.putArray("firings");
        for (io.flowexport.cluster.Cluster.Firing f : view.firings()) {
            ObjectNode n = fs.addObject();
            n.put("flow_id", f.flowId());
            n.put("trigger_id", f.triggerId());
            n.put("last_fire", f.lastFire().toString());
            n.put("runner_id", f.runnerId());
            n.put("next_fire", f.nextFire() == null ? null : f.nextFire().toString());
        }
        ObjectNode diffs = c.putObject("version_differences");
        view.versionDifferences(liveMs).forEach((flow, byRunner) -> {
            ObjectNode d = diffs.putObject(flow);
            byRunner.forEach(d::put);
        });
        return view;
    }

    /**
     * One flow file's entry.
     *
     * @param storeDown holds why the state store could not be read by an earlier entry of the same report (then it
     *                  is not asked again), or null; set here when it fails
     */
    private ObjectNode flowFile(FlowFileStatus f, io.flowexport.cluster.Cluster.View view, String[] storeDown) {
        ObjectNode n = JSON.createObjectNode();
        n.put("file", f.file().toString());
        String id = f.activeFlowId() != null ? f.activeFlowId() : f.flowId();
        n.put("flow_id", id);
        n.put("version", f.version());
        n.put("active_version", f.activeVersion());
        ObjectNode reload = n.putObject("reload");
        reload.put("result", f.result());
        reload.put("checked_at", f.checkedAt().toString());
        problems(reload, f.problems());
        Flow flow = f.activeFlowId() != null ? live.current(f.activeFlowId()) : null;
        Optional<FlowRun> run = id == null ? Optional.empty() : runner.current(id);
        n.put("state", run.isPresent() ? "running" : flow != null ? "idle" : "not loaded");
        n.put("running_on", view == null || id == null ? run.map(r -> runner.runnerId()).orElse(null)
                : view.leases().get(id));
        run.ifPresent(r -> {
            ObjectNode rn = n.putObject("run");
            rn.put("run_id", r.runId());
            rn.put("flow_version", r.flow().version());
            rn.put("trigger", r.trigger().kind());
            rn.put("started_at", r.startedAt().toString());
            rn.put("stage", r.stage().name().toLowerCase(java.util.Locale.ROOT));
        });
        ArrayNode triggers = n.putArray("triggers");
        if (flow != null) {
            for (TriggerSpec t : flow.triggers()) {
                ObjectNode tn = triggers.addObject();
                tn.put("id", t.id());
                tn.put("type", t.type().toml());
                switch (t.type()) {
                    case SCHEDULE -> {
                        tn.put("schedule", t.schedule());
                        tn.put("timezone", t.timezone().getId());
                    }
                    case INTERVAL -> tn.put("every", t.everyText());
                }
                tn.put("enabled", t.enabled());
                tn.put("next_fire", t.enabled() ? nextFire(flow, t, view) : null);
            }
        }
        RunResult last = id == null ? null : lastRuns.get(id);
        if (last != null) {
            n.set("last_run", RunEvents.toJson(last, exportDir));
        } else {
            n.putNull("last_run");
        }
        pending(n, id, storeDown);
        return n;
    }

    /** Puts the flow's {@code pending} delivery into {@code n}; see the class comment. */
    private void pending(ObjectNode n, String flowId, String[] storeDown) {
        if (flowId == null) {
            n.putNull("pending");
            return;
        }
        if (storeDown[0] != null) {
            n.putObject("pending").put("error", storeDown[0]);
            return;
        }
        Optional<PendingDelivery> p;
        try {
            p = state.pending(flowId);
        } catch (RuntimeException e) {
            storeDown[0] = "cannot read the pending deliveries from the state store: "
                    + io.flowexport.flow.Secrets.redact(e.getMessage());
            n.putObject("pending").put("error", storeDown[0]);
            return;
        }
        if (p.isEmpty()) {
            n.putNull("pending");
            return;
        }
        PendingDelivery d = p.get();
        ObjectNode pn = n.putObject("pending");
        pn.put("run_id", d.runId());
        pn.put("file", d.file() == null ? null : d.file().toString());
        ArrayNode owed = pn.putArray("destinations");
        d.remaining().keySet().stream().sorted().forEach(owed::add);
        pn.put("rows", d.rows());
        pn.put("batch_range", io.flowexport.state.RunRecord.range(d.firstBatch(), d.lastBatch()));
        pn.put("created_at", d.createdAt() == null ? null : d.createdAt().toString());
        pn.put("last_error", d.lastError());
    }

    /** The trigger's next firing: the one due after the latest any runner claimed, else computed here. */
    private String nextFire(Flow flow, TriggerSpec t, io.flowexport.cluster.Cluster.View view) {
        Instant now = Instant.now();
        if (view != null) {
            for (io.flowexport.cluster.Cluster.Firing f : view.firings()) {
                if (f.flowId().equals(flow.id()) && f.triggerId().equals(t.id()) && f.nextFire() != null
                        && f.nextFire().isAfter(now)) {
                    return f.nextFire().toString();
                }
            }
        }
        return switch (t.type()) {
            case SCHEDULE -> UnixCron.nextFire(t.schedule(), ZonedDateTime.now(t.timezone()))
                    .map(z -> z.toInstant().toString()).orElse(null);
            case INTERVAL -> io.flowexport.route.TriggerUris.slot(now, t.every()).plus(t.every()).toString();
        };
    }

    private static void problems(ObjectNode n, List<Problem> problems) {
        ArrayNode a = n.putArray("problems");
        problems.forEach(p -> a.add(p.toString()));
    }
}
