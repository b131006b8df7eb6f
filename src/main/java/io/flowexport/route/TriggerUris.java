package io.flowexport.route;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.flowexport.flow.Flow;
import io.flowexport.flow.TriggerSpec;

/**
 * Turns a flow's triggers into Camel consumer URIs: camel-quartz for cron schedules, camel-timer for intervals.
 */
public final class TriggerUris {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private TriggerUris() {
    }

    /**
     * Converts a five-field Unix cron ({@code 0 1 * * *}) to Quartz's form ({@code 0 0 1 ? * * *}): a seconds
     * field, {@code ?} in day-of-month or day-of-week, and Quartz's 1-7 = SUN-SAT day numbering.
     *
     * @throws IllegalArgumentException when {@code unixCron} is not a valid Unix cron
     */
    public static String quartzCron(String unixCron) {
        return CronMapper.fromUnixToQuartz().map(UNIX.parse(unixCron)).asString();
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
