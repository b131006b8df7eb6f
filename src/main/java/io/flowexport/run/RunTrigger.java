package io.flowexport.run;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * What started a run, and the logical time its placeholders ({@code {ds}}, {@code {ts}}, ...) are rendered from.
 *
 * @param kind        {@code schedule}, {@code interval}, {@code manual} (command line, operator route) or
 *                    {@code http} (the runner's HTTP API)
 * @param triggerId   the trigger's id, or null for a manual run
 * @param logicalTime the scheduled fire time (or now, for manual and interval runs)
 * @param zone        the trigger's time zone; UTC for manual runs
 */
public record RunTrigger(String kind, String triggerId, Instant logicalTime, ZoneId zone) {

    /** A run started by hand now, rendered in UTC. */
    public static RunTrigger manual() {
        return new RunTrigger("manual", null, Instant.now(), ZoneOffset.UTC);
    }

    /** A run asked for through the runner's HTTP API now, rendered in UTC. */
    public static RunTrigger http() {
        return new RunTrigger("http", null, Instant.now(), ZoneOffset.UTC);
    }
}
