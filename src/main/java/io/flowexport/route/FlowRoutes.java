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
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.timer.TimerConstants;

/**
 * The Camel routes of a set of flows.
 *
 * <p>Per export flow, route {@code flow-<id>} from {@code direct:flow-<id>}, one exchange per run: begin the run
 * (skipped when the flow is already running), prepare the query, stream it into the staged file (typed JDBC
 * reads on one thread, the format writer on another; or PostgreSQL's {@code COPY ... TO STDOUT} for CSV exports
 * whose bytes COPY can produce exactly, see {@link io.flowexport.query.CsvCopy}), publish and commit; on failure,
 * clean up (Camel's doTry / doCatch / doFinally).
 * Per enabled trigger, route {@code trigger-<id>-<trigger>} from Quartz or the timer into that direct endpoint.
 * The run's {@link RunResult} is left in the exchange property {@link #RESULT}.
 */
public final class FlowRoutes extends RouteBuilder {

    /** Exchange property holding the {@link RunResult} of a finished run. */
    public static final String RESULT = "flowexport.result";
    /** Exchange property holding the {@link RunTrigger}; absent means a manual run. */
    public static final String TRIGGER = "flowexport.trigger";

    private static final String RUN = "flowexport.run";

    private final List<Flow> flows;
    private final ExportRunner runner;
    private final boolean withTriggers;
    private final Consumer<RunResult> onResult;

    /**
     * @param flows        the flows; those that are not export flows are left out
     * @param runner       runs the exports
     * @param withTriggers false for run-once: only the direct endpoints are created
     * @param onResult     told of every finished or skipped run: it reports the run (log line, console)
     */
    public FlowRoutes(List<Flow> flows, ExportRunner runner, boolean withTriggers, Consumer<RunResult> onResult) {
        this.flows = List.copyOf(flows);
        this.runner = runner;
        this.withTriggers = withTriggers;
        this.onResult = onResult;
    }

    /** The endpoint that runs a flow now. */
    public static String runEndpoint(String flowId) {
        return "direct:flow-" + flowId;
    }

    @Override
    public void configure() {
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
        runner.prepare(e.getProperty(RUN, FlowRun.class));
    }

    private void export(Exchange e) {
        e.setProperty(RESULT, runner.export(e.getProperty(RUN, FlowRun.class)));
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
