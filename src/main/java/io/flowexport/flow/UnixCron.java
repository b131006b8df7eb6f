package io.flowexport.flow;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Five-field Unix cron ({@code minute hour day-of-month month day-of-week}), as a schedule trigger's
 * {@code schedule} holds it: the one place that parses it (cron-utils' UNIX definition), converts it to Quartz
 * and computes fire times.
 */
public final class UnixCron {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private UnixCron() {
    }

    /**
     * Parses and validates an expression.
     *
     * @throws IllegalArgumentException when it is not a valid five-field Unix cron; the message says why
     */
    public static Cron parse(String expression) {
        Cron cron = UNIX.parse(expression);
        cron.validate();
        return cron;
    }

    /**
     * The Quartz form of an expression ({@code 0 1 * * *} becomes {@code 0 0 1 * * ? *}): a seconds field,
     * {@code ?} in day-of-month or day-of-week, and Quartz's 1-7 = SUN-SAT day numbering.
     *
     * @throws IllegalArgumentException when the expression is not a valid Unix cron
     */
    public static String toQuartz(String expression) {
        return CronMapper.fromUnixToQuartz().map(parse(expression)).asString();
    }

    /**
     * The latest time at or before {@code at} that a five-field Unix cron fires, in {@code at}'s zone.
     *
     * @throws IllegalArgumentException when {@code expression} is not a valid Unix cron
     */
    public static Optional<ZonedDateTime> lastFire(String expression, ZonedDateTime at) {
        ExecutionTime times = ExecutionTime.forCron(parse(expression));
        if (times.isMatch(at.withNano(0)) && at.getNano() == 0) {
            return Optional.of(at);
        }
        return times.lastExecution(at);
    }

    /**
     * The first fire time strictly after {@code after}, in {@code after}'s zone.
     *
     * @return the time, or empty when the expression never fires again
     * @throws IllegalArgumentException when the expression is not a valid Unix cron
     */
    public static Optional<ZonedDateTime> nextFire(String expression, ZonedDateTime after) {
        return ExecutionTime.forCron(parse(expression)).nextExecution(after);
    }
}
