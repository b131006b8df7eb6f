package io.flowexport.destination;

import io.flowexport.destination.camel.CamelProvider;
import io.flowexport.destination.eventhub.EventHubProvider;
import io.flowexport.destination.file.FileProvider;
import io.flowexport.destination.http.HttpProvider;
import io.flowexport.destination.lake.LakeProvider;
import io.flowexport.destination.servicebus.ServiceBusProvider;
import io.flowexport.destination.spi.DestinationRegistry;
import java.util.List;

/**
 * The destination types of flow-export: the one list. Adding a type is a new package with its provider, plus one
 * line here. The registry is built when first used (the first flow parsed); two providers claiming one type name
 * fail there, before any flow is read.
 */
public final class DestinationTypes {

    private static final DestinationRegistry REGISTRY = new DestinationRegistry(List.of(
            new FileProvider(),
            new HttpProvider(),
            new LakeProvider(),
            new EventHubProvider(),
            new ServiceBusProvider(),
            new CamelProvider()));

    private DestinationTypes() {
    }

    /** Every destination type, in the order they are listed to users. */
    public static DestinationRegistry registry() {
        return REGISTRY;
    }
}
