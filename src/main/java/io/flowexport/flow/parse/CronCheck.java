package io.flowexport.flow.parse;

import io.flowexport.flow.UnixCron;
import java.util.Optional;

/** Checks a trigger's {@code schedule}: five-field Unix cron, as cron-utils' UNIX definition reads it. */
final class CronCheck {

    private CronCheck() {
    }

    /** What is wrong with {@code expression} and what to write instead; empty when it is valid. */
    static Optional<String> problem(String expression) {
        String[] fields = expression.trim().split("\\s+");
        if (fields.length == 6 || fields.length == 7) {
            return Optional.of("'" + expression + "' has " + fields.length + " fields (Quartz style, with seconds);"
                    + " write five Unix fields: minute hour day-of-month month day-of-week"
                    + quartzHint(fields));
        }
        try {
            UnixCron.parse(expression);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("invalid cron expression '" + expression + "': " + e.getMessage()
                    + "; write five Unix fields: minute hour day-of-month month day-of-week, e.g. '0 1 * * *'");
        }
    }

    /** A converted expression when the conversion is plain (no Quartz day-of-week numbers to translate). */
    private static String quartzHint(String[] f) {
        String dom = f[3].equals("?") ? "*" : f[3];
        String dow = f[5].equals("?") ? "*" : f[5];
        if (!dow.equals("*") || !f[0].equals("0")) {
            return "";
        }
        return ", e.g. '" + f[1] + " " + f[2] + " " + dom + " " + f[4] + " " + dow + "'";
    }
}
