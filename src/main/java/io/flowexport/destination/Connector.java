package io.flowexport.destination;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.DestinationType;

/**
 * Delivers staged export files to one type of destination. One implementation per {@link DestinationType},
 * registered in {@link Deliveries}.
 */
public interface Connector {

    /** The destination type this connector serves. */
    DestinationType type();

    /**
     * Sends {@code shipment} to {@code destination}. Never throws for delivery failures: they come back as a
     * {@link Delivered} that is not ok, with a message that names the destination and says what to do.
     *
     * @param startChunk chunks below it were acknowledged by an earlier attempt and are not sent again
     */
    Delivered deliver(Shipment shipment, DestinationSpec destination, int startChunk);

    /**
     * Tests the destination without sending data (reachable, authorised, writable).
     *
     * @param values sample placeholder values to render paths and URLs with
     * @return null when fine, else what is wrong and what to do
     */
    String check(DestinationSpec destination, java.util.Map<String, String> values);
}
