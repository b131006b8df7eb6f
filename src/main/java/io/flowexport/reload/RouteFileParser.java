package io.flowexport.reload;

import io.flowexport.diag.Problem;
import io.flowexport.diag.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Turns the bytes of one operator route file into Camel route definitions with their final ids, or into problems.
 * Touches no running route: Camel's YAML loader reports syntax errors while loading and unknown DSL keys while
 * configuring the builder, both before anything is added to the context.
 */
final class RouteFileParser {

    /** Route id prefixes of the runner's own routes (flows, triggers, HTTP API). */
    static final List<String> RESERVED_PREFIXES = List.of("flow-", "trigger-", "api-", "flowexport-");

    /**
     * @param routes   the file's routes, each with its id set; empty when there are problems
     * @param problems what keeps the file from loading; messages say what is wrong, not what keeps running
     */
    record Parsed(List<RouteDefinition> routes, List<Problem> problems) {
    }

    private RouteFileParser() {
    }

    /** Parses {@code content} of {@code file} (Camel YAML DSL, UTF-8). Never throws for bad input. */
    static Parsed parse(CamelContext context, Path file, byte[] content) {
        if (new String(content, StandardCharsets.UTF_8).lines().map(String::strip)
                .allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            return failed(error(file, 1, "", "the file has no routes; delete it to remove its routes"));
        }
        RouteBuilder builder;
        List<RouteDefinition> routes;
        try {
            Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context)
                    .findRoutesBuilders(ResourceHelper.fromBytes("file:" + file.toAbsolutePath(), content));
            if (builders.size() != 1 || !(builders.iterator().next() instanceof RouteBuilder)) {
                return failed(error(file, 1, "", "Camel's YAML loader returned " + builders.size()
                        + " route builders; expected one"));
            }
            builder = (RouteBuilder) builders.iterator().next();
            routes = builder.configureRoutes(context).getRoutes();
        } catch (Exception e) {
            return failed(problem(file, e, List.of()));
        }
        List<Problem> problems = new ArrayList<>();
        unsupported(file, "rest", builder.getRestCollection().getRests().size(), problems);
        unsupported(file, "routeTemplate", builder.getRouteTemplateCollection().getRouteTemplates().size(), problems);
        unsupported(file, "templatedRoute", builder.getTemplatedRouteCollection().getTemplatedRoutes().size(),
                problems);
        if (routes.isEmpty() && problems.isEmpty()) {
            problems.add(error(file, 1, "", "no routes found; a route file is a YAML list of '- route:' or"
                    + " '- from:' entries"));
        }
        assignIds(file, routes, problems);
        return problems.isEmpty() ? new Parsed(List.copyOf(routes), List.of()) : failed(problems);
    }

    /**
     * A problem for a failure to load, add or start routes: YAML errors carry snakeyaml's line and column; Camel's
     * route errors name the route, placed at its line in {@code routes} when known, else at 1:1.
     */
    static Problem problem(Path file, Exception e, List<RouteDefinition> routes) {
        MarkedYamlEngineException marked = cause(e, MarkedYamlEngineException.class);
        if (marked != null) {
            Mark mark = marked.getProblemMark().or(marked::getContextMark).orElse(null);
            String kind = marked.getClass().getPackageName().startsWith("org.snakeyaml") ? "invalid YAML: "
                    : "invalid route: ";
            String what = (marked.getContext() == null ? "" : marked.getContext() + ": ") + marked.getProblem();
            return new Problem(Severity.ERROR, file, mark == null ? 1 : mark.getLine() + 1,
                    mark == null ? 1 : mark.getColumn() + 1, "", kind + what);
        }
        FailedToCreateRouteException create = cause(e, FailedToCreateRouteException.class);
        FailedToStartRouteException start = cause(e, FailedToStartRouteException.class);
        String id = create != null ? create.getRouteId() : start != null ? start.getRouteId() : null;
        RouteDefinition route = routes.stream().filter(r -> r.getRouteId().equals(id)).findFirst().orElse(null);
        return new Problem(Severity.ERROR, file, route == null ? 1 : line(route), 1, id == null ? "" : id,
                (id == null ? "cannot load the routes: " : "cannot start the route: ") + rootMessage(e));
    }

    /**
     * Gives each route without an id one from the file name: {@code <stem>} for a file of one route, else
     * {@code <stem>-<n>} by position (1-based); then rejects reserved and duplicate ids.
     */
    private static void assignIds(Path file, List<RouteDefinition> routes, List<Problem> problems) {
        String stem = file.getFileName().toString().replaceFirst("(\\.camel)?\\.[^.]*$", "");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteDefinition route = routes.get(i);
            String derived = route.getRouteId() != null ? "" : " (derived from the file name; set 'id' on the route)";
            if (route.getRouteId() == null) {
                route.routeId(routes.size() == 1 ? stem : stem + "-" + (i + 1));
            }
            String id = route.getRouteId();
            RESERVED_PREFIXES.stream().filter(id::startsWith).findFirst().ifPresent(prefix ->
                    problems.add(error(file, line(route), id, "route id '" + id + "'" + derived + " starts with '"
                            + prefix + "', which is reserved for the runner's own routes (" + String.join(", ",
                            RESERVED_PREFIXES) + "); choose another id")));
            if (!seen.add(id)) {
                problems.add(error(file, line(route), id, "route id '" + id + "'" + derived
                        + " is used twice in this file; route ids must be unique"));
            }
        }
    }

    private static void unsupported(Path file, String kind, int count, List<Problem> problems) {
        if (count > 0) {
            problems.add(error(file, 1, "", "'" + kind + "' is not supported in operator route files; only routes"
                    + " ('- route:' or '- from:') are loaded"));
        }
    }

    /** Line of the route in its file as Camel's YAML loader recorded it (the route or its from), else 1. */
    static int line(RouteDefinition route) {
        int line = route.getLineNumber() > 0 ? route.getLineNumber()
                : route.getInput() == null ? -1 : route.getInput().getLineNumber();
        return Math.max(line, 1);
    }

    static Problem error(Path file, int line, String key, String message) {
        return new Problem(Severity.ERROR, file, line, 1, key, message);
    }

    private static Parsed failed(Problem problem) {
        return failed(List.of(problem));
    }

    private static Parsed failed(List<Problem> problems) {
        return new Parsed(List.of(), List.copyOf(problems));
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The innermost message, which says what is wrong without Camel's route dump; URI secrets masked. */
    private static String rootMessage(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return URISupport.sanitizeUri(message);
    }
}
