package io.flowexport.destination.messaging;

import java.util.List;

/** Sends messages to one entity over one transport: Event Hubs over Kafka or AMQP, Service Bus over AMQP. */
public interface MessageSender extends AutoCloseable {

    /**
     * Sends one batch and returns once the broker acknowledged every message in it.
     *
     * @throws Exception when the batch (or any message of it) was not acknowledged within the send timeout; the
     *                   caller retries the whole batch, with the same message ids
     */
    void send(List<OutMessage> batch) throws Exception;

    /**
     * The largest message the entity accepts, in bytes of the encoded message, as the broker announces it (AMQP: the
     * send link's max-message-size); {@link Long#MAX_VALUE} when the transport does not say (Kafka). May connect.
     */
    default long maxMessageBytes() {
        return Long.MAX_VALUE;
    }

    /**
     * Checks the credential and that the entity exists, sending nothing.
     *
     * @return null when fine, else what is wrong
     */
    String check();

    @Override
    void close();
}
