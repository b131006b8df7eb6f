package io.flowexport.run;

import io.flowexport.state.Fence;

/**
 * The run slots of flows across every runner that shares the state store: a flow runs on one runner at a time,
 * and each firing of a trigger is run by one runner. {@link ExportRunner#begin} takes a slot before a run
 * begins; the run's {@link Fence} guards its state writes; recording the run in the history frees the slot.
 */
public interface RunSlots {

    /** The id of this runner ({@code flowexport.runner.id}), recorded with each of its runs. */
    String runnerId();

    /**
     * Claims the firing (when {@code trigger} {@linkplain RunTrigger#isFiring() is one}) and the flow's lease, in
     * one transaction.
     *
     * @param busyHere true when the flow is running on this runner: only the firing is claimed, and the answer is
     *                 {@link Busy} (this runner) when this runner claimed it
     * @return {@link Granted} with the run's fence; {@link Claimed} when another runner claimed this firing;
     *         {@link Busy} when the firing is ours but the flow runs on another runner; {@link Unreachable} when
     *         the state store cannot be reached (no run may begin then)
     */
    Taken take(String flowId, RunTrigger trigger, String runId, boolean busyHere);

    /**
     * Extends the lease a run holds, from now by the database's clock.
     *
     * @return {@link Renewal#RENEWED}; {@link Renewal#LOST} when another runner holds the lease now; or
     *         {@link Renewal#UNREACHABLE} when the state store did not answer (the run stops once its lease may
     *         have run out)
     */
    default Renewal renew(Fence fence) {
        return Renewal.RENEWED;
    }

    /** How long a lease lasts from its acquisition or last renewal, in nanoseconds; 0 when it does not expire. */
    default long leaseNanos() {
        return 0;
    }

    /** How {@link #renew} went. */
    enum Renewal { RENEWED, LOST, UNREACHABLE }

    /** How {@link #take} went. */
    sealed interface Taken permits Granted, Claimed, Busy, Unreachable {
    }

    /**
     * The run may begin.
     *
     * @param fence      the lease it holds, or null when slots are not shared ({@link #local})
     * @param leaseNanos how long the lease lasts from the moment {@link #take} was called, in nanoseconds of
     *                   {@link System#nanoTime()} (a lower bound of the lease as the database counts it); 0 when
     *                   it does not expire
     */
    record Granted(Fence fence, long leaseNanos) implements Taken {
    }

    /** Another runner claimed this firing: it runs it; this runner does nothing and records nothing. */
    record Claimed(String runnerId) implements Taken {
    }

    /**
     * This runner claimed the firing, but the flow is running on another runner: the firing is skipped (and
     * recorded so, once).
     */
    record Busy(String runnerId, String runId) implements Taken {
    }

    /** The state store could not be reached: no run begins (a runner cut off from it starts nothing). */
    record Unreachable(String message) implements Taken {
    }

    /** Slots of one process alone: every take is granted, with no fence and no lease to renew. */
    static RunSlots local(String runnerId) {
        return new RunSlots() {
            @Override
            public String runnerId() {
                return runnerId;
            }

            @Override
            public Taken take(String flowId, RunTrigger trigger, String runId, boolean busyHere) {
                return busyHere ? new Busy(runnerId, null) : new Granted(null, 0);
            }
        };
    }
}
