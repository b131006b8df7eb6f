package io.flowexport.destination.messaging;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.flow.DestinationSpec;
import java.time.Duration;

/**
 * A message broker destination: an Azure Event Hub or a Service Bus queue or topic, which receives the export's
 * rows as messages, one per row or one per chunk of rows ({@link MessageShape}).
 */
public interface MessagingSpec extends DestinationSpec {

    /** The namespace (the host is {@code <namespace>.servicebus.windows.net}). */
    String namespace();

    /** The entity messages go to: the event hub, queue or topic. */
    String entity();

    /** {@code host:port} that replaces the namespace's host (private endpoints, gateways), or null. */
    String endpoint();

    /** The credential; secrets are references. */
    AzureAuth auth();

    /** How rows become messages. */
    MessageShape messages();

    /**
     * The column whose value groups messages: the Event Hubs partition key, the Service Bus session id; null
     * when none.
     */
    String groupColumn();

    /** Tries per batch of messages before the run fails, the first included. */
    int maxAttempts();

    /** The delay before the second try, doubled per try. */
    Duration initialBackoff();

    /** The longest delay between tries. */
    Duration maxBackoff();

    /** The longest one batch may wait for the broker's acknowledgements. */
    Duration sendTimeout();

    /** The entity in words, e.g. {@code event hub 'orders' of namespace 'contoso'}. */
    String where();

    /** The service in words: {@code Event Hubs}, {@code Service Bus}. */
    String serviceName();

    /** The keys that name the entity, for messages: {@code event_hub}, {@code queue or topic}. */
    String entityKeys();

    /** The key of {@link #groupColumn()}: {@code partition_key}, {@code session_id}. */
    String groupKey();

    /** True when messages go through the namespace's Kafka endpoint, not AMQP. */
    default boolean overKafka() {
        return false;
    }

    /** What to add when the entity refuses a message (amqp:not-allowed): a hint, or empty. */
    default String refusedHint() {
        return "";
    }

    /** The address a sender connects to, with what makes it distinct (one sender per address). */
    default String senderAddress() {
        return "amqp|" + namespace() + "|" + endpoint();
    }

    @Override
    default String template() {
        return entity();
    }
}
