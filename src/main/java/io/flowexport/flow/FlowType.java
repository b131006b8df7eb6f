package io.flowexport.flow;

/** The {@code flow_type} of a flow file. Only {@link #EXPORT_FLOW} is run by this runner. */
public enum FlowType implements TomlEnum {
    EXPORT_FLOW("export_flow"),
    /** Defines an upstream change feed; its dataset is {@code <id>_change_feed}. Recognised, not run. */
    CHANGE_FEED("change_feed"),
    /** Defines upstream delta publishing; its dataset is {@code <id>_delta_transaction}. Recognised, not run. */
    DELTA_PUBLISHING("delta_publishing");

    private final String toml;

    FlowType(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
