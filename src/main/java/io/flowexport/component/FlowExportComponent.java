package io.flowexport.component;

import io.flowexport.flow.Flow;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.RunResult;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.Endpoint;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code flowexport} Camel component: its producers are the stages of a run, so that each flow's route reads
 * as its pipeline. URIs: {@code flowexport:<stage>?flow=<flow id>[&destination=<name>]}, where stage is one of
 * {@link FlowExportStage} ({@code begin}, {@code export}, {@code deliver}, {@code commit}, {@code fail},
 * {@code end}); {@code deliver} needs {@code destination}, {@code begin} may list the route's destinations in
 * delivery order ({@code destinations=a,b}).
 *
 * <p>One exchange per run flows through the stages. Its body between stages is a handle on the staged file and its
 * metadata ({@link io.flowexport.run.Staged}), never rows; the run itself is the exchange property {@link #RUN},
 * its result {@link #RESULT}. The work of each stage is plain Java in {@link ExportRunner}.
 */
public final class FlowExportComponent extends DefaultComponent {

    /** The component's scheme. */
    public static final String SCHEME = "flowexport";
    /** Exchange property: the {@link io.flowexport.run.FlowRun} in progress; absent when the run was skipped. */
    public static final String RUN = "FlowExportRun";
    /** Exchange property: the {@link RunResult} of a finished, failed or skipped run. */
    public static final String RESULT = "FlowExportResult";
    /** Exchange property: the {@link io.flowexport.run.RunTrigger}; absent means a manual run. */
    public static final String TRIGGER = "FlowExportTrigger";
    /**
     * Exchange property: set (to the runner's id, or empty) when another runner claimed the firing, so no run
     * began here and nothing is reported.
     */
    public static final String CLAIMED_BY = "FlowExportClaimedBy";

    private final ExportRunner runner;
    private final Function<String, Flow> versions;
    private final Consumer<RunResult> record;
    private final Consumer<RunResult> onResult;

    /**
     * @param runner   does the work of each stage
     * @param versions the version of a flow in force, by id, or null when no such flow is loaded: read when a run
     *                 begins, and kept by the run to its end
     * @param record   records every finished, failed or skipped run in the run history, before the run's slot is
     *                 freed (recording a run releases the flow's lease)
     * @param onResult told of every recorded run (log line, status, events)
     */
    public FlowExportComponent(ExportRunner runner, Function<String, Flow> versions, Consumer<RunResult> record,
                               Consumer<RunResult> onResult) {
        this.runner = runner;
        this.versions = versions;
        this.record = record;
        this.onResult = onResult;
    }

    Consumer<RunResult> record() {
        return record;
    }

    ExportRunner runner() {
        return runner;
    }

    Function<String, Flow> versions() {
        return versions;
    }

    Consumer<RunResult> onResult() {
        return onResult;
    }

    /** The URI of a stage of a flow's run, e.g. {@code flowexport:export?flow=orders}. */
    public static String uri(FlowExportStage stage, String flowId) {
        return SCHEME + ":" + stage.uriName() + "?flow=" + flowId;
    }

    /** The URI of the delivery of a flow's run to one destination. */
    public static String deliverUri(String flowId, String destination) {
        return uri(FlowExportStage.DELIVER, flowId) + "&destination=" + destination;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        FlowExportStage stage = FlowExportStage.of(remaining);
        if (stage == null) {
            throw new ResolveEndpointFailedException(uri, "unknown stage '" + remaining + "'; known: "
                    + FlowExportStage.names());
        }
        String flow = getAndRemoveParameter(parameters, "flow", String.class);
        String destination = getAndRemoveParameter(parameters, "destination", String.class);
        String destinations = getAndRemoveParameter(parameters, "destinations", String.class);
        if (flow == null || flow.isBlank()) {
            throw new ResolveEndpointFailedException(uri, "flow=<flow id> is required");
        }
        if (stage == FlowExportStage.DELIVER && (destination == null || destination.isBlank())) {
            throw new ResolveEndpointFailedException(uri, "deliver needs destination=<destination name>");
        }
        return new FlowExportEndpoint(uri, this, stage, flow, destination, destinations);
    }
}
