package io.flowexport.route;

import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunTrigger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jdbc.JdbcConstants;
import org.apache.camel.component.timer.TimerConstants;

/**
 * The Camel routes of a set of flows.
 *
 * <p>Per export flow, route {@code flow-<id>} from {@code direct:flow-<id>}: begin the run (skipped when the
 * flow is already running), prepare the query, execute it through camel-jdbc as a streamed result
 * ({@code outputType=StreamList}, one exchange per run), write, publish and commit; on failure, clean up. CSV
 * exports from PostgreSQL whose bytes COPY can produce exactly take PostgreSQL's {@code COPY ... TO STDOUT}
 * instead of camel-jdbc (see {@link io.flowexport.query.CsvCopy}).
 * Per enabled trigger, route {@code trigger-<id>-<trigger>} from Quartz or the timer into that direct endpoint.
 * The run's {@link RunResult} is left in the exchange property {@link #RESULT}.
 */
public final class FlowRoutes extends RouteBuilder {

    /** Exchange property holding the {@link RunResult} of a finished run. */
    public static final String RESULT = "flowexport.result";
    /** Exchange property holding the {@link RunTrigger}; absent means a manual run. */
    public static final String TRIGGER = "flowexport.trigger";
    /** Name of the source DataSource bean in the Camel registry. */
    public static final String SOURCE_BEAN = "flowexportSource";

    private static final String RUN = "flowexport.run";

    private final List<Flow> flows;
    private final ExportRunner runner;
    private final int fetchSize;
    private final boolean withTriggers;
    private final Consumer<RunResult> onResult;

    /**
     * @param flows        the flows; those that are not export flows are left out
     * @param runner       runs the exports
     * @param fetchSize    rows per fetch from the source
     * @param withTriggers false for run-once: only the direct endpoints are created
     * @param onResult     told of every finished or skipped run: it reports the run (log line, console)
     */
    public FlowRoutes(List<Flow> flows, ExportRunner runner, int fetchSize, boolean withTriggers,
                      Consumer<RunResult> onResult) {
        this.flows = List.copyOf(flows);
        this.runner = runner;
        this.fetchSize = fetchSize;
        this.withTriggers = withTriggers;
        this.onResult = onResult;
    }

    /** The endpoint that runs a flow now. */
    public static String runEndpoint(String flowId) {
        return "direct:flow-" + flowId;
    }

    @Override
    public void configure() {
        String jdbc = "jdbc:" + SOURCE_BEAN + "?outputType=StreamList&resetAutoCommit=false"
                + "&useHeadersAsParameters=true&statement.fetchSize=" + fetchSize;
        for (Flow flow : flows) {
            if (!flow.isExport()) {
                continue;
            }
            from(runEndpoint(flow.id())).routeId("flow-" + flow.id())
                    .process(e -> begin(e, flow))
                    .filter(exchangeProperty(RUN).isNotNull())
                        .doTry()
                            .process(this::prepare)
                            .choice()
                                .when(e -> e.getProperty(RUN, FlowRun.class).copySql() != null)
                                    .process(this::exportByCopy)
                                .otherwise()
                                    .to(jdbc)
                                    .process(this::export)
                            .end()
                        .endDoTry()
                        .doCatch(Exception.class)
                            .process(this::fail)
                        .doFinally()
                            .process(this::end)
                        .end()
                    .end();
            if (withTriggers) {
                for (TriggerSpec t : flow.triggers()) {
                    if (t.enabled()) {
                        from(TriggerUris.uri(flow, t)).routeId("trigger-" + flow.id() + "-" + t.id())
                                .process(e -> e.setProperty(TRIGGER, triggerOf(e, t)))
                                .to(runEndpoint(flow.id()));
                    }
                }
            }
        }
    }

    private void begin(Exchange e, Flow flow) {
        RunTrigger trigger = e.getProperty(TRIGGER, RunTrigger.class);
        RunTrigger t = trigger != null ? trigger : RunTrigger.manual();
        runner.begin(flow, t).ifPresentOrElse(run -> e.setProperty(RUN, run), () -> {
            RunResult skipped = ExportRunner.skipped(flow, t);
            e.setProperty(RESULT, skipped);
            onResult.accept(skipped);
        });
    }

    private void prepare(Exchange e) {
        FlowRun run = runner.prepare(e.getProperty(RUN, FlowRun.class));
        io.flowexport.query.ExportQuery q = run.query();
        Map<String, Object> params = new HashMap<>();
        q.parameters().forEach(p -> params.put(p.name(), p.value()));
        e.getMessage().setBody(q.sql());
        e.getMessage().setHeader(JdbcConstants.JDBC_PARAMETERS, params);
    }

    @SuppressWarnings("unchecked")
    private void export(Exchange e) {
        FlowRun run = e.getProperty(RUN, FlowRun.class);
        Iterator<Map<String, Object>> rows = e.getMessage().getBody(Iterator.class);
        e.setProperty(RESULT, runner.export(run, rows));
        e.getMessage().setBody(null);
    }

    private void exportByCopy(Exchange e) {
        e.setProperty(RESULT, runner.exportByCopy(e.getProperty(RUN, FlowRun.class)));
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
