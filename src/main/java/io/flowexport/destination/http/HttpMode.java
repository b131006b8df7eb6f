package io.flowexport.destination.http;

import io.flowexport.flow.TomlEnum;

/** How an HTTP destination sends an export. */
public enum HttpMode implements TomlEnum {
    WHOLE("whole"), BATCHES("batches");

    private final String toml;

    HttpMode(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }
}
