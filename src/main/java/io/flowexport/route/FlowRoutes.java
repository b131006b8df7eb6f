package io.flowexport.route;

import io.flowexport.component.FlowExportComponent;
import io.flowexport.component.FlowExportStage;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.run.ExportRunner;
import io.flowexport.run.RunTrigger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.timer.TimerConstants;

/**
 * Builds the Camel routes of flows.
 *
 * <p>Per export flow, route {@code flow-<id>} from {@code direct:flow-<id>}, one exchange per run, whose steps are
 * the run's stages, endpoints of the {@code flowexport} component ({@link FlowExportComponent}):
 * <pre>
 * from direct:flow-orders
 *   to flowexport:begin?flow=orders&amp;destinations=api,file      pin the flow's version, take its run slot
 *   filter: a run began (else it was skipped, and reported; or another runner claimed the firing)
 *     doTry
 *       to flowexport:export?flow=orders                         prepare, stream or COPY into the staged file
 *       filter: there is a file to deliver (else nothing new)
 *         to flowexport:deliver?flow=orders&amp;destination=api   one step per destination, files last
 *         to flowexport:deliver?flow=orders&amp;destination=file
 *         to flowexport:commit?flow=orders                       move the watermark, or keep a pending delivery
 *     doCatch Exception: to flowexport:fail?flow=orders          delete the staged file, keep the watermark
 *     doFinally: to flowexport:end?flow=orders                   free the run slot, report the result
 * </pre>
 * The run looks the flow up by id when it begins, so it uses the version in force at that moment and keeps it to
 * the end, whatever reloads happen meanwhile. The deliver steps are the destinations of the version the route was
 * built from: when a reload changes a flow's destinations, its route is built again ({@link LiveFlows}).
 *
 * <p>Per enabled trigger, route {@code trigger-<flow>-<trigger>} from Quartz or the timer. It hands the run to
 * the run thread pool (a wire tap) and returns at once, so that a trigger route never has a long exchange in
 * flight and can be replaced or removed at any time without waiting for a run.
 *
 * <p>The run's {@link io.flowexport.run.RunResult} is left in the exchange property
 * {@link FlowExportComponent#RESULT}.
 */
public final class FlowRoutes {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.flowexport.triggers");

    private final LastFirings lastFirings;

    /** The latest firing of a trigger claimed by any runner sharing the state store (see {@link #catchUp}). */
    @FunctionalInterface
    public interface LastFirings {
        /**
         * @return the latest firing claimed, or empty when the trigger never fired
         * @throws RuntimeException when the state store cannot be read
         */
        Optional<Instant> of(String flowId, String triggerId);
    }

    /** Routes without missed-firing catch-up (run-once, {@code routes}). */
    public FlowRoutes() {
        this((f, t) -> Optional.empty());
    }

    /** @param lastFirings where the latest firing of each trigger is recorded */
    public FlowRoutes(LastFirings lastFirings) {
        this.lastFirings = lastFirings;
    }

    /** The endpoint that runs a flow now. */
    public static String runEndpoint(String flowId) {
        return "direct:flow-" + flowId;
    }

    /** The id of the route that runs a flow. */
    public static String runRouteId(String flowId) {
        return "flow-" + flowId;
    }

    /** The id of the route of one trigger of a flow. */
    public static String triggerRouteId(String flowId, String triggerId) {
        return "trigger-" + flowId + "-" + triggerId;
    }

    /** The id of the route that renews the leases of runs in progress. */
    public static final String LEASES_ROUTE = "flowexport-leases";

    /**
     * The route that renews the leases of the runs in progress every {@code period}
     * ({@code flowexport.cluster.heartbeat}), so that no other runner takes their flows over while they run.
     */
    public static RouteBuilder leaseRenewal(java.time.Duration period, Runnable renew) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:" + LEASES_ROUTE + "?period=" + period.toMillis() + "&delay=" + period.toMillis())
                        .routeId(LEASES_ROUTE).process(e -> renew.run());
            }
        };
    }

    /** The run routes of export flows {@code flows}, without triggers (run-once; and {@link LiveFlows}). */
    public RouteBuilder runRoutes(List<Flow> flows) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                flows.forEach(f -> addRunRoute(this, f));
            }
        };
    }

    /** The names of a flow's destinations in delivery order: the deliver steps of its run route. */
    public static List<String> deliverySteps(Flow flow) {
        return ExportRunner.deliveryOrder(flow).stream().map(DestinationSpec::name).toList();
    }

    /**
     * The routes of {@code triggers} of {@code flow} (only enabled ones are given routes), each handing its runs
     * to {@code runPool}.
     */
    public RouteBuilder triggerRoutes(Flow flow, List<TriggerSpec> triggers, ExecutorService runPool) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                for (TriggerSpec t : triggers) {
                    if (!t.enabled()) {
                        continue;
                    }
                    String routeId = triggerRouteId(flow.id(), t.id());
                    from(TriggerUris.consumerUri(flow, t, Instant.now())).routeId(routeId)
                            .process(e -> {
                                            e.setProperty(FlowExportComponent.TRIGGER, triggerOf(e, t));
                            })
                            .wireTap(runEndpoint(flow.id())).executorService(runPool);
                }
            }
        };
    }

    /**
     * The misfire rule: when the latest firing of one of {@code triggers} due by now was not claimed by any runner
     * (every runner was down, or the trigger's route was not running, at that moment), runs it once now, under its
     * scheduled time: once however many firings were missed, and once across runners (the firing is claimed like
     * any other). A trigger that never fired has nothing to catch up.
     *
     * @param send sends one run of the flow, with its {@link FlowExportComponent#TRIGGER}, to its run route
     */
    public void catchUp(Flow flow, List<TriggerSpec> triggers, java.util.function.Consumer<RunTrigger> send) {
        Instant now = Instant.now();
        for (TriggerSpec t : triggers) {
            if (!t.enabled()) {
                continue;
            }
            try {
                Optional<Instant> due = TriggerUris.lastFiring(t, now);
                Optional<Instant> last = lastFirings.of(flow.id(), t.id());
                if (due.isPresent() && last.isPresent() && due.get().isAfter(last.get())) {
                    LOG.info("flow '{}': trigger '{}' missed its firing at {} (the latest claimed was at {}); running "
                            + "it once now", flow.id(), t.id(), due.get(), last.get());
                    send.accept(new RunTrigger(t.type().toml(), t.id(), due.get(), zoneOf(t),
                            TriggerUris.nextFiring(t, due.get())));
                }
            } catch (RuntimeException e) {
                LOG.warn("flow '{}': cannot check trigger '{}' for a missed firing: {}", flow.id(), t.id(),
                        e.getMessage());
            }
        }
    }

    private static void addRunRoute(RouteBuilder b, Flow flow) {
        String id = flow.id();
        List<String> destinations = deliverySteps(flow);
        org.apache.camel.model.ProcessorDefinition<?> pipeline = b.from(runEndpoint(id)).routeId(runRouteId(id))
                .to(FlowExportComponent.uri(FlowExportStage.BEGIN, id) + "&destinations="
                        + String.join(",", destinations))
                .filter(b.simple("${exchangeProperty." + FlowExportComponent.RUN + "} != null"))
                    .doTry()
                        .to(FlowExportComponent.uri(FlowExportStage.EXPORT, id))
                        .filter(b.simple("${exchangeProperty." + FlowExportComponent.RESULT + "} == null"));
        for (String d : destinations) {
            pipeline = pipeline.to(FlowExportComponent.deliverUri(id, d));
        }
        pipeline.to(FlowExportComponent.uri(FlowExportStage.COMMIT, id))
                    .endDoTry()
                    .doCatch(Exception.class)
                        .to(FlowExportComponent.uri(FlowExportStage.FAIL, id))
                    .doFinally()
                        .to(FlowExportComponent.uri(FlowExportStage.END, id))
                    .end()
                .end();
    }

    /**
     * The firing: a schedule's scheduled fire time, or the multiple of an interval it fired at (the same on every
     * runner), and the next one.
     */
    private static RunTrigger triggerOf(Exchange e, TriggerSpec t) {
        Object fired = e.getMessage().getHeader("scheduledFireTime");
        if (fired == null) {
            fired = e.getMessage().getHeader(TimerConstants.HEADER_FIRED_TIME);
        }
        Instant time = fired instanceof Date d ? d.toInstant() : Instant.now();
        if (t.type() == io.flowexport.flow.TriggerType.INTERVAL) {
            time = TriggerUris.slot(time, t.every());
        }
        return new RunTrigger(t.type().toml(), t.id(), time, zoneOf(t), TriggerUris.nextFiring(t, time));
    }

    private static java.time.ZoneId zoneOf(TriggerSpec t) {
        return t.timezone() != null ? t.timezone() : ZoneOffset.UTC;
    }
}
