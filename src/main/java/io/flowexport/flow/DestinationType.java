package io.flowexport.flow;

/** Where an export can go; the connector catalogue's targets. */
public enum DestinationType implements TomlEnum {
    FILE("file"),
    HTTP("http"),
    ADLS("adls"),
    ONELAKE("onelake"),
    EVENTHUB("eventhub"),
    SERVICEBUS("servicebus");

    private final String toml;

    DestinationType(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }

    /** True for Azure Data Lake Storage Gen2 and OneLake, which share one connector. */
    public boolean isLake() {
        return this == ADLS || this == ONELAKE;
    }

    /** True for Event Hubs and Service Bus, which receive rows as messages. */
    public boolean isMessaging() {
        return this == EVENTHUB || this == SERVICEBUS;
    }
}
