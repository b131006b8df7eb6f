package io.flowexport.flow;

import java.time.Duration;
import java.time.ZoneId;

/**
 * One {@code [[triggers]]} entry of a flow.
 *
 * @param id          the trigger's id; defaults to {@code trigger-<n>} (1-based position in the file)
 * @param type        schedule or interval
 * @param schedule    five-field Unix cron ({@code 0 1 * * *}) for {@link TriggerType#SCHEDULE}; null otherwise
 * @param timezone    the zone the cron fires in and placeholders are rendered in; default UTC
 * @param every       the period for {@link TriggerType#INTERVAL}; null otherwise
 * @param enabled     false keeps the trigger from firing; default true
 * @param description free text, may be null
 */
public record TriggerSpec(String id, TriggerType type, String schedule, ZoneId timezone, Duration every,
                          boolean enabled, String description) {

    /** The interval as a flow file writes it ({@code 15m}, {@code 500ms}, {@code 2h}); null for a schedule. */
    public String everyText() {
        return every == null ? null : Durations.format(every);
    }
}
