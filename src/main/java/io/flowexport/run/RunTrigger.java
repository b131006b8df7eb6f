package io.flowexport.run;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * What started a run, and the logical time its placeholders ({@code {ds}}, {@code {ts}}, ...) are rendered from.
 *
 * <p>A firing of a trigger is identified by its flow, {@code triggerId} and {@code logicalTime}: the scheduled
 * fire time of a cron trigger, and for an interval trigger the multiple of its interval (since 1970, UTC) it fired
 * at. Every runner computes the same identity for the same firing, so runners sharing a state store agree which
 * firing a run is ({@link RunSlots}).
 *
 * @param kind        {@code schedule}, {@code interval}, {@code manual} (command line, operator route),
 *                    {@code http} (the runner's HTTP API) or {@code takeover} (a run of a flow whose runner
 *                    stopped mid-run, started by another runner)
 * @param triggerId   the trigger's id, or null for a manual or API run
 * @param logicalTime the firing's scheduled time (or now, for manual and API runs)
 * @param zone        the trigger's time zone; UTC for manual runs
 * @param nextFire    when the trigger fires next (UTC), or null when unknown or not a firing
 * @param takenFrom   for a takeover run, the lease it takes over; else null
 */
public record RunTrigger(String kind, String triggerId, Instant logicalTime, ZoneId zone, Instant nextFire,
                         Orphaned takenFrom) {

    /**
     * The lease a takeover run takes over: the runner that held the flow's run slot and the lease's epoch then.
     * The takeover gets the slot only while the lease is still that one (see {@link RunSlots#take}).
     *
     * @param runnerId the runner that held it
     * @param epoch    the lease's epoch when it was found expired (or its process ended)
     * @param expired  true when it was found expired; false when its holder, a process of this host, had ended
     */
    public record Orphaned(String runnerId, long epoch, boolean expired) {
    }

    /** A trigger that takes nothing over. */
    public RunTrigger(String kind, String triggerId, Instant logicalTime, ZoneId zone, Instant nextFire) {
        this(kind, triggerId, logicalTime, zone, nextFire, null);
    }

    /** A trigger without a known next firing. */
    public RunTrigger(String kind, String triggerId, Instant logicalTime, ZoneId zone) {
        this(kind, triggerId, logicalTime, zone, null, null);
    }

    /** A run started by hand now, rendered in UTC. */
    public static RunTrigger manual() {
        return new RunTrigger("manual", null, Instant.now(), ZoneOffset.UTC);
    }

    /** A run asked for through the runner's HTTP API now, rendered in UTC. */
    public static RunTrigger http() {
        return new RunTrigger("http", null, Instant.now(), ZoneOffset.UTC);
    }

    /**
     * A run that takes over the firing {@code triggerId} at {@code fireTime} of a runner that stopped mid-run
     * (both null when that run was manual): it replays the run's intent, so its names come from there.
     *
     * @param from the lease it takes over; the run begins only while the flow's lease is still that one, so a
     *             holder that was only slow and recorded its run meanwhile is not run after
     */
    public static RunTrigger takeover(String triggerId, Instant fireTime, Orphaned from) {
        return new RunTrigger("takeover", triggerId, fireTime != null ? fireTime : Instant.now(), ZoneOffset.UTC,
                null, from);
    }

    /** True for a trigger's firing (not a manual, API or takeover run): runners claim it once between them. */
    public boolean isFiring() {
        return triggerId != null && !kind.equals("takeover");
    }

    /** The firing's time when this is a trigger's firing or a takeover of one, else null. */
    public Instant fireTime() {
        return triggerId != null ? logicalTime : null;
    }
}
