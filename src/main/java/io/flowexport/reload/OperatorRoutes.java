package io.flowexport.reload;

import io.flowexport.flow.parse.FlowParser;
import io.flowexport.diag.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator routes: Camel YAML DSL files in the runner's {@code routes/} directory, loaded beside the runner's own
 * routes and replaced one file at a time.
 *
 * <p>A file's bytes are parsed into route definitions before any running route is touched. Only then are the file's
 * running routes stopped and removed and the new ones added and started; if that fails, whatever of the new version
 * was added is removed and the last good version is rebuilt from its bytes. Other files' routes and the runner's own
 * routes are never stopped. Route ids: a route without {@code id} gets {@code <stem>} (a file of one route) or
 * {@code <stem>-<n>} (1-based position in the file), {@code <stem>} being the file name without {@code .yaml} or
 * {@code .camel.yaml}; ids starting with {@code flow-}, {@code trigger-} or {@code api-}, ids used twice in the file
 * and ids of any other route in the context are rejected, because Camel would otherwise replace that route silently.
 *
 * <p>{@link #apply} and {@link #remove} are meant for one reloader thread (they are synchronized all the same);
 * {@link #status()} may be called from any thread at any time. Logs to {@code io.flowexport.reload}: one INFO line
 * per load, replacement or removal, one WARN line when a version's problems differ from those last reported.
 */
public final class OperatorRoutes {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.reload");

    /** A version whose routes run: its bytes are kept to rebuild it after a failed replacement. */
    private record Live(String version, byte[] bytes, List<String> routeIds) {
    }

    private final CamelContext context;
    private final Model model;
    private final Map<Path, Live> live = new HashMap<>();
    private final Map<Path, RouteFileStatus> statuses = new ConcurrentHashMap<>();

    /**
     * @param context a started context: routes are started as they are added. While the context is still starting,
     *                Camel starts them with all other routes, and a route that cannot start fails the context start.
     */
    public OperatorRoutes(CamelContext context) {
        this.context = context;
        this.model = context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    /**
     * Loads or reloads one route file from its bytes (already read by the caller). Never throws for bad input: YAML
     * syntax errors, unknown DSL keys, rejected route ids and routes that Camel cannot create or start (unknown
     * component, bad endpoint option, a consumer clash) become problems of the returned status, and the file's last
     * good version, if any, keeps running. Bytes equal to the running version's are not parsed again.
     *
     * @param file    the route file ({@code .yaml} or {@code .camel.yaml}); pass the same form of path each time
     * @param content the file's bytes, UTF-8 Camel YAML DSL
     * @return the file's new status, also published to {@link #status()}
     */
    public synchronized RouteFileStatus apply(Path file, byte[] content) {
        Path key = file.normalize();
        String version = FlowParser.version(content);
        Live current = live.get(key);
        if (current != null && current.version().equals(version)) {
            return publish(new RouteFileStatus(key, version, version, current.routeIds(), RouteFileStatus.UNCHANGED,
                    List.of(), Instant.now()));
        }
        RouteFileParser.Parsed parsed = RouteFileParser.parse(context, key, content);
        List<Problem> problems = parsed.problems().isEmpty() ? clashes(key, parsed.routes()) : parsed.problems();
        if (problems.isEmpty()) {
            problems = replace(key, current, parsed.routes());
        }
        if (problems.isEmpty()) {
            Live now = new Live(version, content.clone(), ids(parsed.routes()));
            live.put(key, now);
            if (current == null) {
                LOG.info("Loaded operator routes {} version {}: {}", key, version, now.routeIds());
            } else {
                LOG.info("Replaced operator routes {} version {} by version {}: {}", key, current.version(), version,
                        now.routeIds());
            }
            return publish(new RouteFileStatus(key, version, version, now.routeIds(),
                    current == null ? RouteFileStatus.LOADED : RouteFileStatus.REPLACED, List.of(), Instant.now()));
        }
        return failed(key, version, problems);
    }

    /**
     * Stops and removes the routes of a deleted file and forgets the file; a no-op for an unknown file. For a rename,
     * call {@code remove(old)} then {@code apply(new, bytes)}: derived ids then follow the new name.
     *
     * @return ids of the removed routes, empty for an unknown file or one whose routes never loaded
     */
    public synchronized List<String> remove(Path file) {
        Path key = file.normalize();
        statuses.remove(key);
        Live gone = live.remove(key);
        if (gone == null) {
            return List.of();
        }
        try {
            removeRoutes(gone.routeIds());
            LOG.info("Removed operator routes {} version {}: {}", key, gone.version(), gone.routeIds());
        } catch (Exception e) {
            LOG.warn("Removing operator routes {} version {} failed; routes {} may still run; stop them from the"
                    + " runner or restart it: {}", key, gone.version(), gone.routeIds(), e.getMessage());
        }
        return gone.routeIds();
    }

    /** Snapshot of every known file (loaded or broken), sorted by file name. Thread-safe. */
    public List<RouteFileStatus> status() {
        return statuses.values().stream()
                .sorted(Comparator.comparing((RouteFileStatus s) -> String.valueOf(s.file().getFileName()))
                        .thenComparing(s -> s.file().toString()))
                .toList();
    }

    /** Route ids of {@code routes} already used by another file, or by any route of the context but this file's. */
    private List<Problem> clashes(Path key, List<RouteDefinition> routes) {
        List<String> mine = live.containsKey(key) ? live.get(key).routeIds() : List.of();
        List<Problem> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            String id = route.getRouteId();
            Path owner = live.entrySet().stream().filter(e -> !e.getKey().equals(key))
                    .filter(e -> e.getValue().routeIds().contains(id)).map(Map.Entry::getKey).findFirst().orElse(null);
            if (owner != null) {
                problems.add(RouteFileParser.error(key, RouteFileParser.line(route), id, "route id '" + id
                        + "' is already used by " + owner + "; give one of the routes another id"));
            } else if (!mine.contains(id) && context.getRoute(id) != null) {
                problems.add(RouteFileParser.error(key, RouteFileParser.line(route), id, "route id '" + id
                        + "' is already used by a route of the runner; choose another id"));
            }
        }
        return problems;
    }

    /**
     * Replaces the running routes of {@code current} by {@code routes}; on failure puts {@code current} back.
     * Leaves {@link #live} without the file only when even that fails.
     */
    private List<Problem> replace(Path key, Live current, List<RouteDefinition> routes) {
        try {
            if (current != null) {
                removeRoutes(current.routeIds());
            }
            model.addRouteDefinitions(routes);
            return List.of();
        } catch (Exception e) {
            List<Problem> problems = new ArrayList<>(List.of(RouteFileParser.problem(key, e, routes)));
            try {
                removeRoutes(ids(routes));
                if (current != null) {
                    restore(key, current);
                }
            } catch (Exception rollback) {
                live.remove(key);
                problems.add(RouteFileParser.error(key, 1, "", "putting back version "
                        + (current == null ? "-" : current.version()) + " failed: " + rollback.getMessage()));
            }
            return problems;
        }
    }

    /** Adds the routes of a version that ran before, from fresh definitions of its kept bytes. */
    private void restore(Path key, Live good) throws Exception {
        RouteFileParser.Parsed again = RouteFileParser.parse(context, key, good.bytes());
        if (!again.problems().isEmpty()) {
            throw new IllegalStateException(again.problems().get(0).message());
        }
        model.addRouteDefinitions(again.routes());
    }

    /** Stops and removes routes and their definitions; ids that are not there are skipped. */
    private void removeRoutes(List<String> ids) throws Exception {
        for (String id : ids) {
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                model.removeRouteDefinition(definition); // stops and removes the route too
            } else if (context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            }
        }
    }

    private RouteFileStatus failed(Path key, String version, List<Problem> found) {
        Live still = live.get(key);
        String outcome = still == null ? "; the file is not loaded: fix it and save it again"
                : "; the last good version " + still.version() + " keeps running";
        List<Problem> problems = found.stream().map(p -> new Problem(p.severity(), p.file(), p.line(), p.column(),
                p.key(), p.message() + outcome)).toList();
        RouteFileStatus previous = statuses.get(key);
        if (previous == null || !previous.version().equals(version) || !previous.problems().equals(problems)) {
            LOG.warn("Operator routes {} version {} {}: {}", key, version,
                    still == null ? RouteFileStatus.NOT_LOADED : "not loaded, " + RouteFileStatus.KEPT_LAST_GOOD,
                    String.join(" | ", problems.stream().map(Problem::toString).toList()));
        }
        return publish(new RouteFileStatus(key, version, still == null ? null : still.version(),
                still == null ? List.of() : still.routeIds(),
                still == null ? RouteFileStatus.NOT_LOADED : RouteFileStatus.KEPT_LAST_GOOD, problems, Instant.now()));
    }

    private RouteFileStatus publish(RouteFileStatus status) {
        statuses.put(status.file(), status);
        return status;
    }

    private static List<String> ids(List<RouteDefinition> routes) {
        return routes.stream().map(RouteDefinition::getRouteId).toList();
    }
}
