package io.flowexport.destination.eventhub;

import io.flowexport.flow.TomlEnum;

/** How an Event Hubs destination talks to the namespace. */
public enum EventHubProtocol implements TomlEnum {
    AMQP("amqp"), KAFKA("kafka");

    private final String toml;

    EventHubProtocol(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
