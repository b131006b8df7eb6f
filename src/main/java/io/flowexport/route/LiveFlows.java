package io.flowexport.route;

import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.run.ExportRunner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export flows loaded in a running Camel context, changed one flow at a time while it runs.
 *
 * <p>The current version of each flow is kept here; the run route reads it when a run begins (see
 * {@link FlowRoutes}). So replacing a flow is one atomic swap: a run in progress finishes under the version it
 * began with, and every run that begins after the swap uses the new one; no run is lost or doubled by the swap.
 * Trigger routes whose URI is unchanged are left alone (their schedules keep their rhythm); triggers that were
 * added, changed or removed get their routes added, replaced or removed. Other flows are not touched.
 *
 * <p>Not thread-safe for changes: one reloader thread calls {@link #add}, {@link #replace}, {@link #remove} and
 * {@link #sweep}; {@link #current} may be called from any thread.
 */
public final class LiveFlows {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.reload");

    private final CamelContext context;
    private final FlowRoutes routes;
    private final ExecutorService runPool;
    private final ExportRunner runner;
    private final Map<String, Flow> current = new ConcurrentHashMap<>();
    private final Set<String> runRoutes = ConcurrentHashMap.newKeySet();
    /** Per flow id, the deliver steps its run route was built with. */
    private final Map<String, List<String>> routeSteps = new ConcurrentHashMap<>();
    private org.apache.camel.ProducerTemplate template;

    /**
     * @param context the Camel context the routes live in
     * @param runner  the export runner (asked whether a flow is running before its run route is removed)
     * @param routes  builds the routes; must have been made with {@link #current} as its version lookup
     * @param runPool the threads runs started by triggers execute on
     */
    public LiveFlows(CamelContext context, ExportRunner runner, FlowRoutes routes, ExecutorService runPool) {
        this.context = context;
        this.runner = runner;
        this.routes = routes;
        this.runPool = runPool;
    }

    /** The version of flow {@code id} in force, or null. Thread-safe. */
    public Flow current(String id) {
        return current.get(id);
    }

    /** True while a run of flow {@code id} is in progress (of any version). Thread-safe. */
    public boolean isRunning(String id) {
        return runner.isRunning(id);
    }

    /** Every flow in force. Thread-safe. */
    public Collection<Flow> all() {
        return List.copyOf(current.values());
    }

    /**
     * Puts a new flow in force: its run route and the routes of its enabled triggers start.
     *
     * @throws Exception when Camel rejects a route (e.g. a trigger URI); the flow is then not in force
     */
    public void add(Flow flow) throws Exception {
        if (context.getRoute(FlowRoutes.runRouteId(flow.id())) == null) {
            context.addRoutes(routes.runRoutes(List.of(flow)));
            routeSteps.put(flow.id(), FlowRoutes.deliverySteps(flow));
        }
        runRoutes.add(flow.id());
        current.put(flow.id(), flow);
        rebuildIfStale(flow.id());
        try {
            context.addRoutes(routes.triggerRoutes(flow, flow.triggers(), runPool));
        } catch (Exception e) {
            current.remove(flow.id());
            removeTriggerRoutes(flow, flow.triggers());
            throw e;
        }
        routes.catchUp(flow, flow.triggers(), t -> fire(flow.id(), t));
    }

    /**
     * Starts a run of flow {@code id} on the run thread pool, as if {@code trigger} had fired (a missed firing
     * caught up, or a takeover); returns at once.
     */
    public void fire(String id, io.flowexport.run.RunTrigger trigger) {
        runPool.submit(() -> {
            try {
                template().send(FlowRoutes.runEndpoint(id),
                        e -> e.setProperty(io.flowexport.component.FlowExportComponent.TRIGGER, trigger));
            } catch (RuntimeException e) {
                LOG.warn("flow '{}': cannot start a {} run: {}", id, trigger.kind(), e.getMessage());
            }
        });
    }

    private synchronized org.apache.camel.ProducerTemplate template() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /**
     * Puts {@code next} in force instead of {@code previous} (same id): swaps the version, then replaces only the
     * trigger routes whose URI changed.
     *
     * @throws Exception when Camel rejects a new trigger route; {@code previous} is then back in force
     */
    public void replace(Flow previous, Flow next) throws Exception {
        List<TriggerSpec> gone = new ArrayList<>();
        List<TriggerSpec> changed = new ArrayList<>();
        for (TriggerSpec t : enabled(previous)) {
            TriggerSpec n = find(next, t.id());
            if (n == null) {
                gone.add(t);
            } else if (!TriggerUris.uri(previous, t).equals(TriggerUris.uri(next, n))) {
                changed.add(t);
            }
        }
        List<TriggerSpec> fresh = new ArrayList<>();
        for (TriggerSpec n : enabled(next)) {
            TriggerSpec p = find(previous, n.id());
            if (p == null || !TriggerUris.uri(previous, p).equals(TriggerUris.uri(next, n))) {
                fresh.add(n);
            }
        }
        current.put(next.id(), next);
        rebuildIfStale(next.id());
        removeTriggerRoutes(previous, gone);
        removeTriggerRoutes(previous, changed);
        try {
            context.addRoutes(routes.triggerRoutes(next, fresh, runPool));
        } catch (Exception e) {
            removeTriggerRoutes(next, fresh);
            current.put(previous.id(), previous);
            List<TriggerSpec> restore = new ArrayList<>(gone);
            restore.addAll(changed);
            context.addRoutes(routes.triggerRoutes(previous, restore, runPool));
            throw e;
        }
        routes.catchUp(next, fresh, t -> fire(next.id(), t));
        if (!fresh.isEmpty() || !gone.isEmpty()) {
            LOG.info("flow '{}': trigger routes replaced: {}; kept: {}", next.id(),
                    fresh.stream().map(TriggerSpec::id).toList(),
                    enabled(next).stream().map(TriggerSpec::id).filter(id -> fresh.stream()
                            .noneMatch(f -> f.id().equals(id))).toList());
        }
    }

    /**
     * Takes a flow out of force: its trigger routes are removed at once (so its schedules stop); its run route is
     * removed once no run of it is in progress (see {@link #sweep}). A run in progress finishes normally.
     */
    public void remove(Flow flow) {
        current.remove(flow.id(), flow);
        removeTriggerRoutes(flow, flow.triggers());
        sweep();
    }

    /**
     * Removes the run routes of flows that are no longer in force and not running.
     *
     * @return true when some run route still waits for its run to end
     */
    public boolean sweep() {
        boolean waiting = false;
        for (String id : List.copyOf(runRoutes)) {
            if (current.containsKey(id)) {
                waiting |= !rebuildIfStale(id);
                continue;
            }
            if (runner.isRunning(id)) {
                waiting = true;
                continue;
            }
            removeRoute(FlowRoutes.runRouteId(id));
            runRoutes.remove(id);
            routeSteps.remove(id);
        }
        return waiting;
    }

    /**
     * Builds the run route of flow {@code id} again when the version in force has other destinations than the
     * route's deliver steps, unless a run is in the route: then {@link #sweep} tries again after it (runs that
     * begin meanwhile are skipped with a message that says so).
     *
     * @return true when the route matches the version in force
     */
    private boolean rebuildIfStale(String id) {
        Flow flow = current.get(id);
        List<String> steps = flow == null ? null : FlowRoutes.deliverySteps(flow);
        if (flow == null || steps.equals(routeSteps.get(id))) {
            return true;
        }
        String routeId = FlowRoutes.runRouteId(id);
        try {
            if (runner.isRunning(id) || !context.getRouteController().stopRoute(routeId, 1, TimeUnit.SECONDS, true)) {
                return false;
            }
            context.removeRoute(routeId);
            context.addRoutes(routes.runRoutes(List.of(flow)));
            routeSteps.put(id, steps);
            LOG.info("flow '{}': run route built again with deliver steps {}", id, steps);
            return true;
        } catch (Exception e) {
            LOG.warn("flow '{}': cannot build its run route again: {}; trying again at the next reload", id,
                    e.getMessage());
            return false;
        }
    }

    private void removeTriggerRoutes(Flow flow, List<TriggerSpec> triggers) {
        for (TriggerSpec t : triggers) {
            removeRoute(FlowRoutes.triggerRouteId(flow.id(), t.id()));
        }
    }

    private void removeRoute(String routeId) {
        if (context.getRoute(routeId) == null) {
            return;
        }
        try {
            context.getRouteController().stopRoute(routeId, 10, TimeUnit.SECONDS);
            context.removeRoute(routeId);
        } catch (Exception e) {
            LOG.warn("cannot remove route {}: {}", routeId, e.getMessage());
        }
    }

    private static List<TriggerSpec> enabled(Flow flow) {
        return flow.triggers().stream().filter(TriggerSpec::enabled).toList();
    }

    private static TriggerSpec find(Flow flow, String triggerId) {
        return flow.triggers().stream().filter(t -> t.enabled() && Objects.equals(t.id(), triggerId))
                .findFirst().orElse(null);
    }
}
