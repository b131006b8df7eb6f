package io.flowexport.destination;

import io.flowexport.destination.file.FileSpec;
import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.DestinationRegistry;
import io.flowexport.flow.DestinationSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facade the run core delivers through: one connector per destination type, each destination handed to its
 * type's connector typed, and the order in which a shipment visits a flow's destinations: every other destination
 * first, file destinations last (they copy the staged file, which must still be there for the others). A flow's
 * route has one deliver step per destination in that order, and every destination gets the shipment even when an
 * earlier one failed: each keeps its own delivery state.
 */
public final class Deliveries {

    /**
     * A provider with its connector, so that a destination reaches the connector as its own spec type.
     *
     * @param <S> the type's spec
     */
    public record Bound<S extends DestinationSpec>(DestinationProvider<S> provider, Connector<S> connector) {

        /** The provider's connector, made with {@code context}. */
        public static <S extends DestinationSpec> Bound<S> of(DestinationProvider<S> provider,
                                                              ConnectorContext context) {
            return new Bound<>(provider, provider.connector(context));
        }

        Delivered deliver(Shipment shipment, DestinationSpec d, int startChunk) {
            return connector.deliver(shipment, DestinationRegistry.typed(provider, d), startChunk);
        }

        String check(DestinationSpec d, Map<String, String> values) {
            return connector.check(DestinationRegistry.typed(provider, d), values);
        }
    }

    private final Map<String, Bound<?>> byType = new LinkedHashMap<>();

    /**
     * @param connectors one per provider
     * @throws IllegalStateException when two connectors serve one type
     */
    public Deliveries(List<Bound<?>> connectors) {
        for (Bound<?> b : connectors) {
            for (String type : b.provider().types()) {
                if (byType.put(type, b) != null) {
                    throw new IllegalStateException("two connectors for destination type '" + type + "'");
                }
            }
        }
    }

    private Bound<?> bound(String type) {
        Bound<?> b = byType.get(type);
        if (b == null) {
            throw new IllegalArgumentException("no connector for destination type '" + type + "'; known: "
                    + (byType.isEmpty() ? "none" : String.join(", ", byType.keySet())));
        }
        return b;
    }

    /**
     * Sends the shipment to one destination, through its type's connector. Never throws for delivery failures:
     * they come back as a {@link Delivered} that is not ok.
     *
     * @param startChunk chunks below it were acknowledged by an earlier attempt and are not sent again
     * @throws IllegalArgumentException when no connector serves the destination's type; the message lists those
     *                                  that do
     */
    public Delivered deliver(Shipment shipment, DestinationSpec destination, int startChunk) {
        return bound(destination.type()).deliver(shipment, destination, startChunk);
    }

    /**
     * Tests a destination without sending data (reachable, authorised, writable).
     *
     * @param values sample placeholder values to render paths and URLs with
     * @return null when fine, else what is wrong and what to do
     */
    public String check(DestinationSpec destination, Map<String, String> values) {
        return bound(destination.type()).check(destination, values);
    }

    /** The destinations in delivery order: every non-file destination first, file destinations last. */
    public static List<DestinationSpec> deliveryOrder(List<DestinationSpec> destinations) {
        List<DestinationSpec> ordered = new ArrayList<>();
        destinations.stream().filter(d -> !(d instanceof FileSpec)).forEach(ordered::add);
        destinations.stream().filter(d -> d instanceof FileSpec).forEach(ordered::add);
        return ordered;
    }
}
