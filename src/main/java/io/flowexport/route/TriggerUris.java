package io.flowexport.route;

import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.UnixCron;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a flow's triggers into Camel consumer URIs: camel-quartz for cron schedules, camel-timer for intervals.
 */
public final class TriggerUris {

    private TriggerUris() {
    }

    /**
     * Converts a five-field Unix cron to Quartz's form; see {@link UnixCron#toQuartz}.
     *
     * @throws IllegalArgumentException when {@code unixCron} is not a valid Unix cron
     */
    public static String quartzCron(String unixCron) {
        return UnixCron.toQuartz(unixCron);
    }

    /**
     * The identity of one trigger's consumer URI: two versions of a trigger with the same identity keep their
     * route (and its rhythm) across a reload.
     *
     * @return {@code quartz://flowexport/<flow>-<trigger>?cron=...&trigger.timeZone=...&stateful=true} or
     *         {@code timer://flowexport-<flow>-<trigger>?period=<ms>&fixedRate=true}
     */
    public static String uri(Flow flow, TriggerSpec trigger) {
        String name = flow.id() + "-" + trigger.id();
        return switch (trigger.type()) {
            case SCHEDULE -> "quartz://flowexport/" + name + "?cron=RAW(" + quartzCron(trigger.schedule())
                    + ")&trigger.timeZone=" + trigger.timezone().getId() + "&stateful=true";
            case INTERVAL -> "timer://flowexport-" + name + "?period=" + trigger.every().toMillis() + "&fixedRate=true";
        };
    }

    /**
     * The consumer URI of one trigger, for a route started at {@code now}: an interval trigger fires at the
     * multiples of its interval since 1970 (UTC), so every runner fires it at the same moments and names the
     * firing alike ({@link #slot}); its first firing is the next multiple after {@code now}.
     *
     * @return {@link #uri} with, for an interval trigger, {@code &delay=<ms to the next multiple>}
     */
    public static String consumerUri(Flow flow, TriggerSpec trigger, Instant now) {
        String uri = uri(flow, trigger);
        if (trigger.type() != io.flowexport.flow.TriggerType.INTERVAL) {
            return uri;
        }
        long every = trigger.every().toMillis();
        long delay = every - Math.floorMod(now.toEpochMilli(), every);
        return uri + "&delay=" + Math.max(1, delay);
    }

    /**
     * The firing of an interval trigger that fired at {@code fired}: the multiple of {@code every} since 1970 at
     * or before it (a timer fires at or just after its time, never before).
     */
    public static Instant slot(Instant fired, Duration every) {
        long ms = every.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(fired.toEpochMilli(), ms) * ms);
    }

    /**
     * The latest firing of {@code trigger} at or before {@code now}, or empty when a schedule has none.
     */
    public static Optional<Instant> lastFiring(TriggerSpec trigger, Instant now) {
        return switch (trigger.type()) {
            case INTERVAL -> Optional.of(slot(now, trigger.every()));
            case SCHEDULE -> UnixCron.lastFire(trigger.schedule(), now.atZone(trigger.timezone()))
                    .map(java.time.ZonedDateTime::toInstant);
        };
    }

    /** The firing of {@code trigger} after {@code fire}, or null when a schedule has none. */
    public static Instant nextFiring(TriggerSpec trigger, Instant fire) {
        return switch (trigger.type()) {
            case INTERVAL -> fire.plus(trigger.every());
            case SCHEDULE -> UnixCron.nextFire(trigger.schedule(), fire.atZone(trigger.timezone()))
                    .map(java.time.ZonedDateTime::toInstant).orElse(null);
        };
    }
}
