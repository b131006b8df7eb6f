package io.flowexport.destination.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.messaging.AmqpBatches;
import io.flowexport.destination.messaging.AmqpConnectionStrings;
import io.flowexport.destination.messaging.MessageSender;
import io.flowexport.destination.messaging.MessagingErrors;
import io.flowexport.destination.messaging.OutMessage;
import java.util.List;

/**
 * Sends messages to a Service Bus queue or topic with the Azure SDK's {@link ServiceBusSenderClient}. Each
 * {@link OutMessage} becomes a {@link ServiceBusMessage} with {@code MessageId} = the deterministic message id (so
 * duplicate detection drops a message an earlier attempt already delivered), {@code ContentType}, {@code SessionId}
 * (the {@code session_id} column) and the application properties, and nothing else. Messages are packed into
 * {@link ServiceBusMessageBatch}es up to the size the namespace announces (256 KB Standard, up to 100 MB Premium),
 * one session per batch (a batch's messages are grouped by session, each session's in their order), sent in order,
 * each waiting for the service's acknowledgement.
 *
 * <p>Camel's azure-servicebus producer does not set MessageId or SessionId per message (4.17), which duplicate
 * detection and sessions need; the SDK's client is used directly, as the component itself does underneath.
 */
final class ServiceBusMessageSender implements MessageSender {

    private final ServiceBusSpec destination;
    private final ServiceBusSenderClient client;
    private final AmqpBatches<ServiceBusMessageBatch> batches;

    /**
     * @param credentials resolves the destination's secrets
     * @throws IllegalArgumentException when the connection string does not fit the destination
     */
    ServiceBusMessageSender(ServiceBusSpec destination, AzureCredentials credentials) {
        this.destination = destination;
        ServiceBusClientBuilder b = new ServiceBusClientBuilder()
                .retryOptions(AmqpConnectionStrings.retry(destination.sendTimeout()));
        AzureAuth auth = destination.auth();
        if (auth instanceof AzureAuth.ConnectionString) {
            String cs = credentials.connectionString(auth);
            AmqpConnectionStrings.check(cs, destination);
            b.connectionString(cs);
        } else {
            b.credential(AmqpConnectionStrings.host(destination), credentials.token(auth));
        }
        if (destination.endpoint() != null) {
            b.customEndpointAddress("https://" + destination.endpoint());
        }
        ServiceBusClientBuilder.ServiceBusSenderClientBuilder s = b.sender();
        this.client = (destination.queue() != null ? s.queueName(destination.queue())
                : s.topicName(destination.topic())).buildClient();
        this.batches = new AmqpBatches<>(key -> client.createMessageBatch(),
                (batch, m) -> batch.tryAddMessage(message(m)), ServiceBusMessageBatch::getCount,
                ServiceBusMessageBatch::getMaxSizeInBytes, client::sendMessages, "message",
                "256 KB Standard; Premium up to 100 MB");
    }

    @Override
    public long maxMessageBytes() {
        return client.createMessageBatch().getMaxSizeInBytes();
    }

    @Override
    public void send(List<OutMessage> batch) {
        batches.send(batch);
    }

    static ServiceBusMessage message(OutMessage m) {
        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(m.body()));
        message.setMessageId(m.id());
        message.setContentType(m.contentType());
        if (m.partitionKey() != null) {
            message.setSessionId(m.partitionKey());
        }
        message.getApplicationProperties().putAll(m.properties());
        return message;
    }

    @Override
    public String check() {
        try {
            client.createMessageBatch(); // opens the send link: the credential's Send claim and the entity
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
