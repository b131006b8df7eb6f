package io.flowexport.destination.spi;

import io.flowexport.destination.FileDestination;
import io.flowexport.flow.Secrets;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * What a connector may use, given by the composition root.
 *
 * @param files   the export directory's publisher (file destinations, dead-letter files)
 * @param camel   the runner's one Camel context, for connectors that send through Camel components; asked for only
 *                when a connector first needs it
 * @param secrets resolves {@code ${env:...}} and {@code ${file:...}} references when a destination is used
 */
public record ConnectorContext(FileDestination files, Supplier<CamelContext> camel, Secrets secrets) {
}
