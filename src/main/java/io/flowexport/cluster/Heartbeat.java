package io.flowexport.cluster;

import io.flowexport.run.RunTrigger;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One heartbeat of a {@code run} process, every {@code flowexport.cluster.heartbeat} (the Camel route
 * {@value #ROUTE_ID} calls {@link #beat}): renews this runner's row in the state store (the flow versions it has
 * loaded and the flows it runs), then takes over the flows whose lease expired while a runner held them (it died
 * or was cut off mid-run): each such flow that this runner has loaded and is not running gets a {@code takeover}
 * run, which replays the interrupted run's intent; of the runners that try, the first to acquire the lease runs
 * it. A state store that cannot be reached is reported once when it goes and once when it is back.
 */
public final class Heartbeat {

    /** The id of the heartbeat's route. */
    public static final String ROUTE_ID = "flowexport-heartbeat";
    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.cluster");

    private final Cluster cluster;
    private final Supplier<Map<String, String>> versions;
    private final Supplier<Collection<String>> running;
    private final Predicate<String> canTakeOver;
    private final BiConsumer<String, RunTrigger> takeOver;
    private final Instant startedAt = Instant.now();
    private volatile String down;
    /** Set by {@link #leave}: a beat after it (the route fires until the context stops) renews nothing. */
    private boolean left;

    /**
     * @param cluster     the runners sharing the state store
     * @param versions    the flows this runner has loaded: id to version
     * @param running     the flows this runner is running now
     * @param canTakeOver whether this runner can take a flow over now (it has it loaded and is not running it)
     * @param takeOver    starts a takeover run of a flow (returns at once)
     */
    public Heartbeat(Cluster cluster, Supplier<Map<String, String>> versions, Supplier<Collection<String>> running,
                     Predicate<String> canTakeOver, BiConsumer<String, RunTrigger> takeOver) {
        this.cluster = cluster;
        this.versions = versions;
        this.running = running;
        this.canTakeOver = canTakeOver;
        this.takeOver = takeOver;
    }

    /** Renews this runner's row and takes over orphaned flows; never throws. Does nothing after {@link #leave}. */
    public synchronized void beat() {
        if (left) {
            return;
        }
        try {
            cluster.heartbeat(versions.get(), running.get(), startedAt);
            for (Cluster.Orphan o : cluster.orphans()) {
                if (canTakeOver.test(o.flowId())) {
                    LOG.info("flow '{}': runner {} held its run slot (run {}) and did not renew it in time; taking the "
                            + "flow over unless another runner does first", o.flowId(), o.runnerId(), o.runId());
                    takeOver.accept(o.flowId(), RunTrigger.takeover(o.triggerId(), o.fireTime(), o.lease()));
                }
            }
            if (down != null) {
                LOG.info("the state store answers again: this runner claims firings and starts runs again");
                down = null;
            }
        } catch (SQLException | RuntimeException e) {
            if (down == null) {
                LOG.error("the state store cannot be reached ({}): this runner starts no run until it is back, and its "
                        + "runs in progress stop once their leases may have run out; the other runners take its flows "
                        + "over", e.getMessage());
            }
            down = e.getMessage();
        }
    }

    /** The route {@value #ROUTE_ID}: a timer that calls {@link #beat} every {@code period}, the first time at once. */
    public org.apache.camel.builder.RouteBuilder route(java.time.Duration period) {
        return new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("timer:" + ROUTE_ID + "?period=" + period.toMillis() + "&delay=0").routeId(ROUTE_ID)
                        .process(e -> beat());
            }
        };
    }

    /**
     * Deletes this runner's row (a clean stop), so that other runners' {@code status} stops listing it at once
     * instead of when its heartbeat expires. Waits for a beat in progress; later beats do nothing, since the
     * heartbeat route keeps firing until the Camel context stops and would insert the row again.
     */
    public synchronized void leave() {
        left = true;
        cluster.leave();
    }
}
