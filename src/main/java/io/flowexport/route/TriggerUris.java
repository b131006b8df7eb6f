package io.flowexport.route;

import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.flow.UnixCron;

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
     * The consumer URI of one trigger.
     *
     * @return {@code quartz://flowexport/<flow>-<trigger>?cron=...&trigger.timeZone=...&stateful=true} or
     *         {@code timer://flowexport-<flow>-<trigger>?period=<ms>&delay=<ms>} (the first interval run comes one
     *         period after start)
     */
    public static String uri(Flow flow, TriggerSpec trigger) {
        String name = flow.id() + "-" + trigger.id();
        return switch (trigger.type()) {
            case SCHEDULE -> "quartz://flowexport/" + name + "?cron=RAW(" + quartzCron(trigger.schedule())
                    + ")&trigger.timeZone=" + trigger.timezone().getId() + "&stateful=true";
            case INTERVAL -> "timer://flowexport-" + name + "?period=" + trigger.every().toMillis()
                    + "&delay=" + trigger.every().toMillis();
        };
    }
}
