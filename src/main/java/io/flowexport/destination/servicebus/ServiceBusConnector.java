package io.flowexport.destination.servicebus;

import io.flowexport.destination.FileDestination;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.messaging.MessageSender;
import io.flowexport.destination.messaging.MessagingConnector;
import io.flowexport.flow.Secrets;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * The {@code servicebus} connector: {@link MessagingConnector}'s batching, retries and dead letters, sending with the
 * Azure SDK's Service Bus client ({@link ServiceBusMessageSender}).
 */
public final class ServiceBusConnector extends MessagingConnector<ServiceBusSpec> {

    /**
     * @param context the runner's Camel context (unused by AMQP senders; kept for symmetry with Event Hubs)
     * @param secrets resolves the credential's references
     * @param files   the export directory, for dead-letter files
     */
    public ServiceBusConnector(Supplier<CamelContext> context, Secrets secrets, FileDestination files) {
        super(context, secrets, files);
    }

    @Override
    protected MessageSender open(ServiceBusSpec b, AzureCredentials credentials, Supplier<CamelContext> context,
                                 String clientId) {
        return new ServiceBusMessageSender(b, credentials);
    }
}
