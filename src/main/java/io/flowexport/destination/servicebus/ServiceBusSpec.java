package io.flowexport.destination.servicebus;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.messaging.MessageShape;
import io.flowexport.destination.messaging.MessagingSpec;
import java.time.Duration;

/**
 * An Azure Service Bus queue or topic ({@code type = "servicebus"}), reached over AMQP with the Azure SDK. Each
 * message's MessageId is deterministic, so an entity with duplicate detection drops what an earlier attempt sent.
 *
 * @param namespace the Service Bus namespace (the host is {@code <namespace>.servicebus.windows.net})
 * @param queue     the queue, or null when {@code topic} is set
 * @param topic     the topic, or null when {@code queue} is set
 * @param endpoint  {@code host:port} of a private endpoint or gateway (TLS), or null
 * @param auth      a connection string, a service principal or the default chain
 * @param messages  how rows become messages
 * @param sessionId a column whose value is each message's session id (session-enabled entities), or null
 * @param maxAttempts  tries per batch of messages before the run fails
 * @param initialBackoff delay before the second try, doubled per try
 * @param maxBackoff   the longest delay between tries
 * @param sendTimeout  the longest one batch may wait for the broker's acknowledgements
 */
public record ServiceBusSpec(String name, String ref, String namespace, String queue, String topic,
                             String endpoint, AzureAuth auth, MessageShape messages, String sessionId,
                             int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration sendTimeout)
        implements MessagingSpec {

    /** The type's name in TOML. */
    public static final String TYPE = "servicebus";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String serviceName() {
        return "Service Bus";
    }

    @Override
    public String entityKeys() {
        return "queue or topic";
    }

    @Override
    public String groupKey() {
        return "session_id";
    }

    @Override
    public String refusedHint() {
        return sessionId == null ? "; a session-enabled queue or subscription needs session_id = \"<column>\"" : "";
    }

    @Override
    public String entity() {
        return queue != null ? queue : topic;
    }

    @Override
    public String groupColumn() {
        return sessionId;
    }

    @Override
    public String where() {
        return (queue != null ? "queue '" : "topic '") + entity() + "' of Service Bus namespace '" + namespace
                + "'" + (endpoint != null ? " (at " + endpoint + ")" : "");
    }
}
