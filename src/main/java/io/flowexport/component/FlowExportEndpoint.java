package io.flowexport.component;

import java.util.Arrays;
import java.util.List;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One stage of one flow's run, e.g. {@code flowexport:deliver?flow=orders&destination=api}. Producer only.
 */
public final class FlowExportEndpoint extends DefaultEndpoint {

    private final FlowExportStage stage;
    private final String flowId;
    private final String destination;
    private final List<String> destinations;

    FlowExportEndpoint(String uri, FlowExportComponent component, FlowExportStage stage, String flowId,
                       String destination, String destinations) {
        super(uri, component);
        this.stage = stage;
        this.flowId = flowId;
        this.destination = destination;
        this.destinations = destinations == null ? null
                : Arrays.stream(destinations.split(",")).filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public FlowExportComponent getComponent() {
        return (FlowExportComponent) super.getComponent();
    }

    /** The stage this endpoint runs. */
    public FlowExportStage stage() {
        return stage;
    }

    /** The flow whose runs this endpoint serves. */
    public String flowId() {
        return flowId;
    }

    /** For {@code deliver}: the destination's name in the flow; else null. */
    public String destination() {
        return destination;
    }

    /**
     * For {@code begin}: the names of the destinations the route has deliver steps for, in order; null when not
     * given (then not checked).
     */
    public List<String> destinations() {
        return destinations;
    }

    @Override
    public Producer createProducer() {
        return new FlowExportProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("flowexport:" + stage.uriName() + " is a stage of a run, to send "
                + "to (to: ...); it cannot be consumed from (from: ...)");
    }

    @Override
    public boolean isSingleton() {
        return true;
    }
}
