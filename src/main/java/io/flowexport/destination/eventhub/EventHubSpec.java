package io.flowexport.destination.eventhub;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.messaging.MessageShape;
import io.flowexport.destination.messaging.MessagingSpec;
import java.time.Duration;

/**
 * An Azure Event Hub ({@code type = "eventhub"}), reached over AMQP ({@code protocol = "amqp"}, the default, with
 * the Azure SDK) or through the namespace's Kafka endpoint ({@code protocol = "kafka"}).
 *
 * @param namespace    the Event Hubs namespace (the host is {@code <namespace>.servicebus.windows.net})
 * @param eventHub     the event hub (the Kafka topic)
 * @param protocol     how events are sent
 * @param endpoint     {@code host:port} that replaces the namespace's address: the Kafka endpoint (default
 *                     {@code <namespace>.servicebus.windows.net:9093}) or, over AMQP, a private endpoint or
 *                     gateway reached with TLS; null for the default
 * @param tls          Kafka only: whether the connection is encrypted (always, except against a local test broker)
 * @param auth         a connection string (both protocols), a service principal or the default chain (AMQP)
 * @param messages     how rows become events
 * @param partitionKey a column whose value is each event's partition key (the Kafka record key), or null
 * @param maxAttempts  tries per batch of events before the run fails
 * @param initialBackoff delay before the second try, doubled per try
 * @param maxBackoff   the longest delay between tries
 * @param sendTimeout  the longest one batch may wait for the broker's acknowledgements
 */
public record EventHubSpec(String name, String ref, String namespace, String eventHub, EventHubProtocol protocol,
                           String endpoint, boolean tls, AzureAuth auth, MessageShape messages, String partitionKey,
                           int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration sendTimeout)
        implements MessagingSpec {

    /** The type's name in TOML. */
    public static final String TYPE = "eventhub";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String serviceName() {
        return "Event Hubs";
    }

    @Override
    public String entityKeys() {
        return "event_hub";
    }

    @Override
    public String groupKey() {
        return "partition_key";
    }

    @Override
    public boolean overKafka() {
        return protocol == EventHubProtocol.KAFKA;
    }

    @Override
    public String senderAddress() {
        return overKafka() ? "kafka|" + kafkaBootstrap() + "|" + tls + "|" + messages.maxMessageBytes()
                : MessagingSpec.super.senderAddress();
    }

    @Override
    public String entity() {
        return eventHub;
    }

    @Override
    public String groupColumn() {
        return partitionKey;
    }

    /** {@code host:port} of the namespace's Kafka endpoint. */
    public String kafkaBootstrap() {
        return endpoint != null ? endpoint : namespace + ".servicebus.windows.net:9093";
    }

    @Override
    public String where() {
        String how = protocol == EventHubProtocol.KAFKA ? kafkaBootstrap()
                : "AMQP" + (endpoint != null ? " at " + endpoint : "");
        return "event hub '" + eventHub + "' of namespace '" + namespace + "' (" + how + ")";
    }
}
