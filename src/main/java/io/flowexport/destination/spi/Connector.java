package io.flowexport.destination.spi;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.DestinationSpec;
import java.util.Map;

/**
 * Delivers staged export files to destinations of one type, typed by that type's spec: no connector casts.
 *
 * @param <S> the destination type's spec
 */
public interface Connector<S extends DestinationSpec> extends AutoCloseable {

    /**
     * Sends {@code shipment} to {@code destination}. Never throws for delivery failures: they come back as a
     * {@link Delivered} that is not ok, with a message that names the destination and says what to do.
     *
     * @param startChunk chunks below it were acknowledged by an earlier attempt and are not sent again
     */
    Delivered deliver(Shipment shipment, S destination, int startChunk);

    /**
     * Tests the destination without sending data (reachable, authorised, writable).
     *
     * @param values sample placeholder values to render paths and URLs with
     * @return null when fine, else what is wrong and what to do
     */
    String check(S destination, Map<String, String> values);

    /** Releases clients and connections (the runner is stopping); nothing by default. */
    @Override
    default void close() {
    }
}
