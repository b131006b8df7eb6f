package io.flowexport.component;

import io.flowexport.flow.Flow;
import io.flowexport.run.Begun;
import io.flowexport.run.ExportOutcome;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.FlowRun;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.run.RunTrigger;
import io.flowexport.run.Staged;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.MDC;

/**
 * Runs one stage of a flow's run on the run's exchange (see {@link FlowExportComponent}): reads the run from the
 * exchange property {@link FlowExportComponent#RUN} and the stage's input from the body, calls
 * {@link ExportRunner}, and leaves the stage's output in the body (and the run's result, once there is one, in
 * {@link FlowExportComponent#RESULT}). A stage that fails throws; the route's {@code doCatch} sends the exchange
 * to {@code flowexport:fail}.
 */
final class FlowExportProducer extends DefaultProducer {

    private final FlowExportEndpoint endpoint;
    private final FlowExportComponent component;

    FlowExportProducer(FlowExportEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.component = endpoint.getComponent();
    }

    /**
     * Runs the stage with the flow's id and the run's id in the logging MDC ({@code flow_id}, {@code run_id}), so
     * that JSON log lines of the stage's thread carry them; they are removed afterwards.
     */
    @Override
    public void process(Exchange e) {
        MDC.put("flow_id", endpoint.flowId());
        FlowRun current = e.getProperty(FlowExportComponent.RUN, FlowRun.class);
        if (current != null) {
            MDC.put("run_id", current.runId());
        }
        try {
            switch (endpoint.stage()) {
                case BEGIN -> begin(e);
                case EXPORT -> export(e);
                case DELIVER -> deliver(e);
                case COMMIT -> commit(e);
                case FAIL -> fail(e);
                case END -> end(e);
            }
        } finally {
            MDC.remove("flow_id");
            MDC.remove("run_id");
        }
    }

    /** Pins the flow's version in force and takes its run slot; else reports a skipped run. */
    private void begin(Exchange e) {
        String flowId = endpoint.flowId();
        RunTrigger given = e.getProperty(FlowExportComponent.TRIGGER, RunTrigger.class);
        RunTrigger t = given != null ? given : RunTrigger.manual();
        Flow flow = component.versions().apply(flowId);
        if (flow == null) {
            skip(e, new RunResult(flowId, null, "-", t.kind(), Instant.now(), RunStatus.SKIPPED, 0, 0, null, null,
                    null, 0, "flow '" + flowId + "' is not loaded (its file was removed, or it has never passed "
                    + "validation)"));
            return;
        }
        List<String> steps = endpoint.destinations();
        if (steps != null && !steps.equals(ExportRunner.deliveryOrder(flow).stream().map(d -> d.name()).toList())) {
            skip(e, component.runner().skipped(flow, t, "the flow's destinations changed while a run of it was in "
                    + "progress; its route gets a deliver step per new destination when that run ends, then runs "
                    + "begin again"));
            return;
        }
        Begun begun = component.runner().begin(flow, t);
        if (begun instanceof Begun.Started s) {
            e.setProperty(FlowExportComponent.RUN, s.run());
            MDC.put("run_id", s.run().runId());
        } else if (begun instanceof Begun.Skipped s) {
            skip(e, s.result());
        } else if (begun instanceof Begun.NotOurs n) {
            e.setProperty(FlowExportComponent.CLAIMED_BY, n.runnerId() == null ? "" : n.runnerId());
        }
    }

    private void skip(Exchange e, RunResult skipped) {
        e.setProperty(FlowExportComponent.RESULT, skipped);
        component.record().accept(skipped);
        component.onResult().accept(skipped);
    }

    private void export(Exchange e) {
        ExportOutcome outcome = component.runner().export(run(e));
        if (outcome instanceof ExportOutcome.NothingNew none) {
            e.setProperty(FlowExportComponent.RESULT, none.result());
        }
        e.getMessage().setBody(outcome);
    }

    private void deliver(Exchange e) {
        Staged staged = e.getMessage().getBody(Staged.class);
        e.getMessage().setBody(component.runner().deliver(run(e), staged, endpoint.destination()));
    }

    private void commit(Exchange e) {
        RunResult result = component.runner().commit(run(e), e.getMessage().getBody(Staged.class));
        e.setProperty(FlowExportComponent.RESULT, result);
        e.getMessage().setBody(result);
    }

    private void fail(Exchange e) {
        Exception error = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        RunResult result = component.runner().fail(run(e), e.getMessage().getBody(), error);
        e.setProperty(FlowExportComponent.RESULT, result);
        e.getMessage().setBody(result);
    }

    /**
     * Records the run in the history (which frees the flow's lease for every runner), then frees its slot here,
     * then reports it: recorded first, so that no other runner begins the flow before its run is in the history.
     */
    private void end(Exchange e) {
        RunResult result = e.getProperty(FlowExportComponent.RESULT, RunResult.class);
        try {
            if (result != null) {
                component.record().accept(result);
            }
        } finally {
            component.runner().end(run(e));
        }
        if (result != null) {
            component.onResult().accept(result);
        }
    }

    private static FlowRun run(Exchange e) {
        FlowRun run = e.getProperty(FlowExportComponent.RUN, FlowRun.class);
        if (run == null) {
            throw new IllegalStateException("no run on exchange " + e.getExchangeId() + ": a flowexport stage "
                    + "was called outside a flow's route, before flowexport:begin");
        }
        return run;
    }
}
