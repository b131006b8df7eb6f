package io.flowexport.flow;

/** The {@code type} of a {@code [[triggers]]} entry. */
public enum TriggerType implements TomlEnum {
    /** Five-field Unix cron in {@code schedule}, in {@code timezone} (default UTC); run by Quartz. */
    SCHEDULE("schedule"),
    /** A fixed period in {@code every} ({@code 30s}, {@code 15m}, {@code 1h}); run by Camel's timer. */
    INTERVAL("interval");

    private final String toml;

    TriggerType(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
