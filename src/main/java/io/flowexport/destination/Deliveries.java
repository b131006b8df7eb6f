package io.flowexport.destination;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.DestinationType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The connectors, one per destination type, and the order in which a shipment visits a flow's destinations:
 * every other destination first, file destinations last (they copy the staged file, which must still be there
 * for the others). Every destination gets the shipment even when an earlier one failed: each keeps its own
 * delivery state.
 */
public final class Deliveries {

    private final Map<DestinationType, Connector> connectors = new EnumMap<>(DestinationType.class);

    /**
     * @throws IllegalStateException when two connectors serve one type
     */
    public Deliveries(List<Connector> connectors) {
        for (Connector c : connectors) {
            if (this.connectors.put(c.type(), c) != null) {
                throw new IllegalStateException("two connectors for destination type '" + c.type().toml() + "'");
            }
        }
    }

    /**
     * The connector of a type.
     *
     * @throws IllegalArgumentException when none is registered; the message lists the types that are
     */
    public Connector connector(DestinationType type) {
        Connector c = connectors.get(type);
        if (c == null) {
            throw new IllegalArgumentException("no connector for destination type '" + type.toml() + "'; known: "
                    + connectors.keySet().stream().map(DestinationType::toml).collect(Collectors.joining(", ")));
        }
        return c;
    }

    /**
     * Sends the shipment to each destination, non-file ones first.
     *
     * @param startChunks per destination name, the chunks already acknowledged (for a re-sent pending delivery)
     * @return one result per destination, in delivery order; stops early (leaving the rest out) when the
     *         shipment is aborted
     */
    public List<Delivered> deliver(Shipment shipment, List<DestinationSpec> destinations,
                                   Map<String, Integer> startChunks) {
        List<DestinationSpec> ordered = new ArrayList<>();
        destinations.stream().filter(d -> d.type() != DestinationType.FILE).forEach(ordered::add);
        destinations.stream().filter(d -> d.type() == DestinationType.FILE).forEach(ordered::add);
        List<Delivered> out = new ArrayList<>();
        for (DestinationSpec d : ordered) {
            if (shipment.aborted().getAsBoolean()) {
                break;
            }
            out.add(connector(d.type()).deliver(shipment, d, startChunks.getOrDefault(d.name(), 0)));
        }
        return out;
    }
}
