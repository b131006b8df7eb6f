package io.flowexport.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.component.FlowExportComponent;
import io.flowexport.route.FlowRoutes;
import io.flowexport.route.LiveFlows;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.run.RunTrigger;
import io.flowexport.state.RunRecord;
import io.flowexport.state.StateStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;

/**
 * The runner's HTTP API, on Camel's embedded HTTP server ({@code platform-http}), which operator routes can
 * also use:
 * <ul>
 *   <li>{@code GET /status}: every flow file and operator route file, see {@link StatusReport};</li>
 *   <li>{@code GET /flows/{id}}: one flow's entry; 404 when no file declares that flow;</li>
 *   <li>{@code GET /flows/{id}/runs?last=N}: the flow's recent runs from the state store's run history, newest
 *       first: {@code {"flow_id", "runs": [...]}}, each run as {@link RunHistory#toJson} gives it (resets
 *       included). {@code last} defaults to {@value #DEFAULT_RUNS} and is capped at {@value #MAX_RUNS}; 400 when
 *       it is not a positive number; 404 when no file declares the flow and the history has no run of it; 503
 *       when the state store cannot be read;</li>
 *   <li>{@code POST /flows/{id}/run}: runs the flow now (trigger {@code http}). Answers 202 at once with
 *       {@code {"flow_id", "accepted": true}}; with {@code ?wait=true} it answers when the run ends, with the
 *       run event (see {@link RunEvents#toJson}) and status 200 (ok, nothing new), 409 (skipped: already
 *       running) or 500 (failed). 404 when the flow is not in force.</li>
 * </ul>
 * Routes ids start with {@code api-}. Every answer is JSON.
 */
public final class ApiRoutes extends RouteBuilder {

    /** Runs {@code GET /flows/{id}/runs} answers without {@code last}. */
    public static final int DEFAULT_RUNS = 20;
    /** The most runs {@code GET /flows/{id}/runs} answers; a larger {@code last} is lowered to it. */
    public static final int MAX_RUNS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatusReport status;
    private final LiveFlows live;
    private final ExecutorService runPool;
    private final Path exportDir;
    private final StateStore state;
    private ProducerTemplate template;

    /**
     * @param status    the status report
     * @param live      the flows in force
     * @param runPool   runs asked for without {@code wait} execute there
     * @param exportDir files in answers are relative to it
     * @param state     the state store, whose run history {@code GET /flows/{id}/runs} reads
     */
    public ApiRoutes(StatusReport status, LiveFlows live, ExecutorService runPool, Path exportDir,
                     StateStore state) {
        this.state = state;
        this.status = status;
        this.live = live;
        this.runPool = runPool;
        this.exportDir = exportDir;
    }

    @Override
    public void configure() {
        template = getContext().createProducerTemplate();
        from("platform-http:/status?httpMethodRestrict=GET").routeId("api-status")
                .process(e -> json(e, 200, status.all()));
        from("platform-http:/flows/{id}?httpMethodRestrict=GET").routeId("api-flow")
                .process(e -> {
                    String id = e.getMessage().getHeader("id", String.class);
                    var entry = status.flow(id);
                    if (entry.isPresent()) {
                        json(e, 200, entry.get());
                    } else {
                        json(e, 404, error("no flow file declares flow '" + id + "'; GET /status lists the flows"));
                    }
                });
        from("platform-http:/flows/{id}/run?httpMethodRestrict=POST").routeId("api-run")
                .process(this::run);
        from("platform-http:/flows/{id}/runs?httpMethodRestrict=GET").routeId("api-runs")
                .process(this::runs);
    }

    private void runs(Exchange e) throws Exception {
        String id = e.getMessage().getHeader("id", String.class);
        String lastText = e.getMessage().getHeader("last", String.class);
        int last = DEFAULT_RUNS;
        if (lastText != null) {
            try {
                last = Math.min(Integer.parseInt(lastText.trim()), MAX_RUNS);
            } catch (NumberFormatException ex) {
                last = 0;
            }
            if (last < 1) {
                json(e, 400, error("last must be a number from 1 to " + MAX_RUNS + ", not '" + lastText + "'"));
                return;
            }
        }
        List<RunRecord> runs;
        try {
            runs = state.history(id, false, last);
        } catch (RuntimeException ex) {
            json(e, 503, error("cannot read the run history of flow '" + id + "' from the state store: "
                    + io.flowexport.flow.Secrets.redact(ex.getMessage())));
            return;
        }
        if (runs.isEmpty() && status.flow(id).isEmpty()) {
            json(e, 404, error("no flow file declares flow '" + id + "' and the run history has no run of it; "
                    + "GET /status lists the flows"));
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("flow_id", id);
        n.set("runs", RunHistory.toJson(runs));
        json(e, 200, n);
    }

    private void run(Exchange e) throws Exception {
        String id = e.getMessage().getHeader("id", String.class);
        if (live.current(id) == null) {
            json(e, 404, error("flow '" + id + "' is not in force (no valid flow file declares it); "
                    + "GET /status shows the flow files and their problems"));
            return;
        }
        boolean wait = "true".equalsIgnoreCase(e.getMessage().getHeader("wait", String.class));
        if (!wait) {
            runPool.submit(() -> template.send(FlowRoutes.runEndpoint(id),
                    x -> x.setProperty(FlowExportComponent.TRIGGER, RunTrigger.http())));
            ObjectNode n = JSON.createObjectNode();
            n.put("flow_id", id);
            n.put("accepted", true);
            json(e, 202, n);
            return;
        }
        Exchange done = template.send(FlowRoutes.runEndpoint(id),
                x -> x.setProperty(FlowExportComponent.TRIGGER, RunTrigger.http()));
        RunResult r = done.getProperty(FlowExportComponent.RESULT, RunResult.class);
        if (r == null) {
            json(e, 500, error(done.getException() != null ? done.getException().getMessage()
                    : "the run ended without a result"));
            return;
        }
        int code = r.status() == RunStatus.FAILED ? 500 : r.status() == RunStatus.SKIPPED ? 409 : 200;
        json(e, code, RunEvents.toJson(r, exportDir));
    }

    private static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        return n;
    }

    private static void json(Exchange e, int code, ObjectNode body) throws Exception {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, code);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }
}
