package io.flowexport.destination.messaging;

import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Packs a batch of {@link OutMessage}s into the Azure SDK's size-limited batches ({@code EventDataBatch},
 * {@code ServiceBusMessageBatch}) and sends them in order: messages are grouped by partition key or session id
 * ({@link OutMessage#byKey}), each SDK batch holds one key and is filled until the SDK refuses the next message
 * (the namespace's announced size), then sent and a new one started.
 *
 * @param <B> the SDK's batch type
 */
public final class AmqpBatches<B> {

    private final Function<String, B> create;
    private final BiPredicate<B, OutMessage> tryAdd;
    private final ToIntFunction<B> count;
    private final ToLongFunction<B> maxSize;
    private final Consumer<B> send;
    private final String unit;
    private final String limits;

    /**
     * @param create  a new SDK batch for a key (null: none)
     * @param tryAdd  adds a message, false when it does not fit
     * @param count   messages in a batch
     * @param maxSize a batch's size limit in bytes
     * @param send    sends a batch and waits for the acknowledgement
     * @param unit    "event" or "message", for errors
     * @param limits  the service's limits in words, for errors
     */
    public AmqpBatches(Function<String, B> create, BiPredicate<B, OutMessage> tryAdd, ToIntFunction<B> count,
                ToLongFunction<B> maxSize, Consumer<B> send, String unit, String limits) {
        this.create = create;
        this.tryAdd = tryAdd;
        this.count = count;
        this.maxSize = maxSize;
        this.send = send;
        this.unit = unit;
        this.limits = limits;
    }

    /**
     * Sends {@code batch}.
     *
     * @throws RowMessages.TooLargeException when one message does not fit an empty SDK batch (nothing after it is
     *                                       sent)
     * @throws RuntimeException              what the SDK throws for a batch not acknowledged
     */
    public void send(List<OutMessage> batch) {
        for (List<OutMessage> group : OutMessage.byKey(batch)) {
            String key = group.get(0).partitionKey();
            B current = create.apply(key);
            for (OutMessage m : group) {
                if (tryAdd.test(current, m)) {
                    continue;
                }
                if (count.applyAsInt(current) == 0) {
                    throw new RowMessages.TooLargeException(m.describe() + " does not fit in one " + unit + ": "
                            + m.body().length + " bytes of body, more than the " + maxSize.applyAsLong(current)
                            + " bytes the namespace accepts (" + limits + "); nothing after it was sent: set "
                            + "dead_letter_path, or lower rows_per_message");
                }
                send.accept(current);
                current = create.apply(key);
                if (!tryAdd.test(current, m)) {
                    throw new RowMessages.TooLargeException(m.describe() + " does not fit in one " + unit + " ("
                            + maxSize.applyAsLong(current) + " bytes)");
                }
            }
            if (count.applyAsInt(current) > 0) {
                send.accept(current);
            }
        }
    }
}
