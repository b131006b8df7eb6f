package io.flowexport.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.flow.Secrets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health probes of {@code run}, answered without a token ({@link ApiAuth}):
 * <ul>
 *   <li>{@code GET /health/live} (route {@code api-health-live}): Camel's liveness checks (the context is
 *       started). 200 while the process can work; 503 means restart it.</li>
 *   <li>{@code GET /health/ready} (route {@code api-health-ready}): Camel's readiness checks (the context, every
 *       route started, every consumer healthy) and the runner's: {@code flowexport-state} (the state store
 *       answers), {@code flowexport-source} (the source database answers), {@code flowexport-reload} (the flow,
 *       catalogue and route files load: a file with errors makes the runner {@code DEGRADED}, still ready, as it
 *       keeps running the last good version of that file). 200 when every check is up, degraded or not; 503 when
 *       one is down.</li>
 * </ul>
 * Body: {@code {"status": "UP" | "DEGRADED" | "DOWN", "checks": [{"id", "status", "message"}]}}, a check's
 * {@code message} saying why it is down or degraded (secrets masked). Each database check waits at most 2 s.
 */
public final class HealthRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The detail key that marks an {@code UP} result as degraded. */
    static final String DEGRADED = "degraded";

    private final TimedProbe state;
    private final TimedProbe source;
    private final Supplier<List<String>> reloadProblems;

    /**
     * @param state          empty when the state store answers, else why not
     * @param source         empty when the source database answers, else why not
     * @param reloadProblems the files whose last reload found errors, as {@code file: n error(s)}; empty when none
     */
    public HealthRoutes(Supplier<Optional<String>> state, Supplier<Optional<String>> source,
                        Supplier<List<String>> reloadProblems) {
        this.state = new TimedProbe("the state store", state, java.time.Duration.ofSeconds(2));
        this.source = new TimedProbe("the source database", source, java.time.Duration.ofSeconds(2));
        this.reloadProblems = reloadProblems;
    }

    @Override
    public void configure() throws Exception {
        HealthCheckRegistry registry = HealthCheckRegistry.get(getContext());
        if (registry == null) {
            throw new IllegalStateException("Camel's health check registry is missing (camel-health)");
        }
        // Camel's default exposure answers one result when every check is up; operators see each check
        registry.setExposureLevel("full");
        registry.register(new Readiness("flowexport-state", (b, o) -> down(b, state.problem())));
        registry.register(new Readiness("flowexport-source", (b, o) -> down(b, source.problem())));
        registry.register(new Readiness("flowexport-reload", (b, o) -> {
            List<String> problems = reloadProblems.get();
            b.up();
            if (!problems.isEmpty()) {
                b.detail(DEGRADED, true);
                b.message("files with errors (their last good version runs, or they are not loaded): "
                        + String.join("; ", problems));
            }
        }));
        from("platform-http:/health/live?httpMethodRestrict=GET").routeId("api-health-live")
                .process(e -> answer(e, HealthCheckHelper.invokeLiveness(getContext())));
        from("platform-http:/health/ready?httpMethodRestrict=GET").routeId("api-health-ready")
                .process(e -> answer(e, HealthCheckHelper.invokeReadiness(getContext())));
    }

    private static void down(HealthCheckResultBuilder b, Optional<String> problem) {
        if (problem.isPresent()) {
            b.down().message(Secrets.redact(problem.get()));
        } else {
            b.up();
        }
    }

    private static void answer(Exchange e, Collection<HealthCheck.Result> results) throws Exception {
        boolean down = results.stream().anyMatch(r -> r.getState() == HealthCheck.State.DOWN);
        boolean degraded = results.stream().anyMatch(HealthRoutes::degraded);
        ObjectNode body = JSON.createObjectNode();
        body.put("status", down ? "DOWN" : degraded ? "DEGRADED" : "UP");
        ArrayNode checks = body.putArray("checks");
        results.stream().sorted(Comparator.comparing(r -> r.getCheck().getId())).forEach(r -> {
            ObjectNode c = checks.addObject();
            c.put("id", r.getCheck().getId());
            c.put("status", degraded(r) ? "DEGRADED" : r.getState().name());
            r.getMessage().ifPresent(m -> c.put("message", Secrets.redact(m)));
            r.getError().filter(x -> r.getMessage().isEmpty())
                    .ifPresent(x -> c.put("message", Secrets.redact(String.valueOf(x.getMessage()))));
        });
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, down ? 503 : 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }

    private static boolean degraded(HealthCheck.Result r) {
        return r.getState() == HealthCheck.State.UP && Boolean.TRUE.equals(r.getDetails().get(DEGRADED));
    }

    /** A readiness-only check of the runner's. */
    private static final class Readiness extends AbstractHealthCheck {
        private final java.util.function.BiConsumer<HealthCheckResultBuilder, Map<String, Object>> body;

        Readiness(String id, java.util.function.BiConsumer<HealthCheckResultBuilder, Map<String, Object>> body) {
            super("flowexport", id);
            this.body = body;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            body.accept(builder, options);
        }
    }
}
