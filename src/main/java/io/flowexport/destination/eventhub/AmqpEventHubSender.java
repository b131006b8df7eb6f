package io.flowexport.destination.eventhub;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.messaging.AmqpBatches;
import io.flowexport.destination.messaging.AmqpConnectionStrings;
import io.flowexport.destination.messaging.MessageSender;
import io.flowexport.destination.messaging.MessagingErrors;
import io.flowexport.destination.messaging.OutMessage;
import java.util.List;

/**
 * Sends events to an Event Hub over AMQP with the Azure SDK's {@link EventHubProducerClient}. A batch of
 * {@link OutMessage}s becomes one or more {@link EventDataBatch}es, each filled until the SDK says the next event
 * does not fit (the size the namespace announces for its tier: 256 KB Basic, 1 MB Standard and above) and each holding
 * one partition key (a batch's messages are grouped by key, each key's in their order); they are sent in order, each
 * waiting for the service's acknowledgement. Each event carries the
 * message id ({@code MessageId} and the {@code message_id} property), the content type and the application
 * properties, and nothing else.
 *
 * <p>The SDK's own retries are off ({@code maxRetries = 0}, try timeout = {@code send_timeout}): the connector retries
 * a failed batch with the destination's backoff, so there is one retry policy, the one the flow states.
 */
final class AmqpEventHubSender implements MessageSender {

    private final EventHubSpec destination;
    private final EventHubProducerClient client;
    private final AmqpBatches<EventDataBatch> batches;

    /**
     * @param credentials resolves the destination's secrets
     * @throws IllegalArgumentException when the connection string does not fit the destination (the message says
     *                                  why, without the string)
     */
    AmqpEventHubSender(EventHubSpec destination, AzureCredentials credentials) {
        this.destination = destination;
        EventHubClientBuilder b = new EventHubClientBuilder().retryOptions(AmqpConnectionStrings.retry(destination.sendTimeout()));
        AzureAuth auth = destination.auth();
        if (auth instanceof AzureAuth.ConnectionString) {
            String cs = credentials.connectionString(auth);
            AmqpConnectionStrings.check(cs, destination);
            b.connectionString(cs, destination.eventHub());
        } else {
            b.credential(AmqpConnectionStrings.host(destination), destination.eventHub(), credentials.token(auth));
        }
        if (destination.endpoint() != null) {
            b.customEndpointAddress("https://" + destination.endpoint());
        }
        this.client = b.buildProducerClient();
        this.batches = new AmqpBatches<>(this::newBatch, (batch, m) -> batch.tryAdd(event(m)),
                EventDataBatch::getCount, EventDataBatch::getMaxSizeInBytes, client::send, "event",
                "256 KB Basic, 1 MB Standard and above");
    }


    @Override
    public long maxMessageBytes() {
        return client.createBatch().getMaxSizeInBytes();
    }

    @Override
    public void send(List<OutMessage> batch) {
        batches.send(batch);
    }

    private EventDataBatch newBatch(String partitionKey) {
        return client.createBatch(partitionKey == null ? new CreateBatchOptions()
                : new CreateBatchOptions().setPartitionKey(partitionKey));
    }

    static EventData event(OutMessage m) {
        EventData e = new EventData(m.body());
        e.setMessageId(m.id());
        e.setContentType(m.contentType());
        e.getProperties().putAll(m.properties());
        return e;
    }

    @Override
    public String check() {
        try {
            client.createBatch(); // opens the send link: the credential's Send claim and the hub's existence
            return null;
        } catch (RuntimeException e) {
            return MessagingErrors.explain(e, destination);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
