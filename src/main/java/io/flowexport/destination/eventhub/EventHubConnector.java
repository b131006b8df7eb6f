package io.flowexport.destination.eventhub;

import io.flowexport.destination.FileDestination;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.messaging.MessageSender;
import io.flowexport.destination.messaging.MessagingConnector;
import io.flowexport.flow.Secrets;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * The {@code eventhub} connector: {@link MessagingConnector}'s batching, retries and dead letters, sending over
 * Kafka ({@link KafkaEventHubSender}, Camel's kafka component) or AMQP ({@link AmqpEventHubSender}, the Azure SDK).
 */
public final class EventHubConnector extends MessagingConnector<EventHubSpec> {

    /**
     * @param context the runner's Camel context (the Kafka sender's), asked for on first use
     * @param secrets resolves the credential's references
     * @param files   the export directory, for dead-letter files
     */
    public EventHubConnector(Supplier<CamelContext> context, Secrets secrets, FileDestination files) {
        super(context, secrets, files);
    }

    @Override
    protected MessageSender open(EventHubSpec h, AzureCredentials credentials, Supplier<CamelContext> context,
                                 String clientId) {
        return h.overKafka() ? new KafkaEventHubSender(context.get(), h, credentials.connectionString(h.auth()),
                clientId) : new AmqpEventHubSender(h, credentials);
    }
}
