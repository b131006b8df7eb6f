package io.flowexport.destination.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.Pause;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureCredentials;
import io.flowexport.destination.spi.Connector;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@code eventhub} and {@code servicebus} connectors share (each type's connector extends it and opens its
 * senders): reads the staged JSON, JSON Lines or
 * CSV file row by row ({@link RowMessages}), groups the messages into batches of at most {@code max_batch_size}
 * bytes (and 500 messages), and sends each batch, waiting for the broker's acknowledgements before reading on:
 * memory holds one batch. A batch that fails is sent again, whole, with the same ids, up to {@code max_attempts} times with exponential backoff. The delivery's chunk count
 * is the number of batches acknowledged, so a pending delivery resumes after them.
 *
 * <p>Senders ({@link #open}: Event Hubs over Kafka or AMQP, Service Bus over AMQP): one per destination address
 * ({@link MessagingSpec#senderAddress()}), credential and settings, kept between
 * runs and dropped after a failed delivery. Over AMQP the largest message is the smaller of {@code max_message_size}
 * and what the namespace announces, less {@value #AMQP_OVERHEAD} bytes for the message's framing and annotations.
 *
 * <p>Rows too large for one message go to {@code dead_letter_path} (a JSON Lines file under the export directory,
 * {@code {"reason": ..., "row": {...}}} per row, published by an atomic rename once the delivery succeeded) or,
 * without it, fail the delivery naming the row's key.
 */
public abstract class MessagingConnector<S extends MessagingSpec> implements Connector<S> {

    private static final Logger LOG = LoggerFactory.getLogger(MessagingConnector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BATCH_EVENTS = 500;
    /** Bytes an AMQP message takes beyond its body, id and properties as {@link OutMessage#size()} counts them. */
    public static final long AMQP_OVERHEAD = 512;

    private final Supplier<CamelContext> context;
    private final AzureCredentials credentials;
    private final FileDestination files;
    private final Map<String, MessageSender> senders = new ConcurrentHashMap<>();
    private final AtomicInteger clientIds = new AtomicInteger();

    /**
     * @param context the connectors' Camel context, made on first use (the Kafka sender's)
     * @param secrets resolves the credential's references
     * @param files   the export directory, for dead-letter files
     */
    protected MessagingConnector(Supplier<CamelContext> context, Secrets secrets, FileDestination files) {
        this.context = context;
        this.credentials = new AzureCredentials(secrets);
        this.files = files;
    }

    /**
     * A new sender for the destination's address and credential.
     *
     * @param context  the runner's Camel context, for senders that go through a Camel component
     * @param clientId a name unique in this process for the client (Kafka's client.id)
     */
    protected abstract MessageSender open(S destination, AzureCredentials credentials, Supplier<CamelContext> context,
                                          String clientId);

    @Override
    public Delivered deliver(Shipment s, S d, int startChunk) {
        String shown = d.type() + " " + d.namespace() + "/" + d.entity();
        DeadLetters dead = d.messages().deadLetterPath() == null ? null
                : new DeadLetters(new PathTemplate(d.messages().deadLetterPath()).render(s.values()), s, d);
        int acked = startChunk;
        long events = 0;
        long started = System.nanoTime();
        try {
            MessageSender sender = sender(d);
            MessageShape shape = d.messages();
            long announced = sender.maxMessageBytes();
            if (announced != Long.MAX_VALUE && announced - AMQP_OVERHEAD < shape.maxMessageBytes()) {
                shape = new MessageShape(shape.rowsPerMessage(), shape.keyColumns(),
                        shape.properties(), announced - AMQP_OVERHEAD, shape.maxBatchBytes(), shape.deadLetterPath());
            }
            try (RowMessages messages = new RowMessages(s, shape, d.groupColumn(), dead)) {
                int chunk = 0;
                List<OutMessage> batch = new ArrayList<>();
                long bytes = 0;
                while (messages.hasNext()) {
                    OutMessage m = messages.next();
                    if (!batch.isEmpty() && (bytes + m.size() > d.messages().maxBatchBytes()
                            || batch.size() >= MAX_BATCH_EVENTS)) {
                        if (++chunk > startChunk) {
                            sendWithRetries(sender, batch, d, s);
                            acked = chunk;
                        }
                        events += batch.size();
                        batch = new ArrayList<>();
                        bytes = 0;
                    }
                    batch.add(m);
                    bytes += m.size();
                }
                if (!batch.isEmpty()) {
                    if (++chunk > startChunk) {
                        sendWithRetries(sender, batch, d, s);
                        acked = chunk;
                    }
                    events += batch.size();
                }
                String deadDetail = dead == null ? "" : dead.publish();
                return new Delivered(d.name(), d.type(), shown, true, acked, null, events + " message(s) in "
                        + chunk + " batch(es)" + (startChunk > 0 ? " (" + startChunk + " acknowledged before)" : "")
                        + " in " + String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9)
                        + " s" + deadDetail, null);
            }
        } catch (Exception e) {
            if (dead != null) {
                dead.discard();
            }
            forget(d); // a fresh producer next time: this one may keep reconnecting with a refused login
            return new Delivered(d.name(), d.type(), shown, false, acked, null,
                    MessagingErrors.explain(e, d) + (acked > 0 ? " (" + acked + " batch(es) were acknowledged; the "
                            + "next attempt goes on after them, with the same ids)" : ""), null);
        }
    }

    @Override
    public String check(S d, Map<String, String> values) {
        try {
            return sender(d).check();
        } catch (RuntimeException e) {
            forget(d);
            return MessagingErrors.explain(e, d);
        }
    }

    private void sendWithRetries(MessageSender sender, List<OutMessage> batch, MessagingSpec d,
                                 Shipment s) throws Exception {
        Duration backoff = d.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            if (s.aborted().getAsBoolean()) {
                throw new IOException("the run was stopped");
            }
            try {
                sender.send(batch);
                return;
            } catch (Exception e) {
                if (attempt >= d.maxAttempts() || !MessagingErrors.retryable(e)) {
                    throw e;
                }
                LOG.warn("flow '{}' destination '{}': batch of {} message(s) not acknowledged (attempt {} of {}): {}; "
                        + "sending it again in {}", s.flowId(), d.name(), batch.size(), attempt, d.maxAttempts(),
                        MessagingErrors.explain(e, d), io.flowexport.flow.Durations.format(backoff));
                if (!Pause.pause(backoff, s.aborted())) {
                    throw new IOException("the run was stopped");
                }
                backoff = backoff.multipliedBy(2).compareTo(d.maxBackoff()) > 0 ? d.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** The sender of a destination, made on first use and kept; a changed secret makes a new one. */
    private MessageSender sender(S d) {
        return senders.computeIfAbsent(key(d), k -> open(d, credentials, context,
                "flowexport-" + d.type() + "-" + clientIds.incrementAndGet()));
    }

    private void forget(MessagingSpec d) {
        try {
            MessageSender s = senders.remove(key(d));
            if (s != null) {
                s.close();
            }
        } catch (RuntimeException e) {
            // the secret is gone too: nothing was cached under it
        }
    }

    /** Closes every sender (the runner is stopping). */
    @Override
    public void close() {
        for (MessageSender s : senders.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a sender: {}", e.toString());
            }
        }
        senders.clear();
    }

    private String key(MessagingSpec d) {
        String address = d.senderAddress();
        return d.type() + "|" + address + "|" + d.entity() + "|" + d.sendTimeout() + "|" + d.auth() + "|"
                + credentials.fingerprint(d.auth());
    }

    /** Rows too large for one message: staged beside the dead-letter path, published when the delivery succeeds. */
    private final class DeadLetters implements RowMessages.TooLarge {
        private final String relative;
        private final Shipment shipment;
        private final MessagingSpec destination;
        private Path staged;
        private BufferedWriter out;
        private long rows;

        DeadLetters(String relative, Shipment shipment, MessagingSpec destination) {
            this.relative = relative;
            this.shipment = shipment;
            this.destination = destination;
        }

        @Override
        public void accept(ObjectNode row, String describe, long size, long limit) throws IOException {
            if (out == null) {
                staged = files.stage(destination.messages().deadLetterPath(), shipment.flowId(),
                        shipment.runId() + "-" + destination.name());
                out = Files.newBufferedWriter(staged, StandardCharsets.UTF_8);
            }
            ObjectNode line = JSON.createObjectNode();
            line.put("reason", describe + " is " + size + " bytes as a message, more than the " + limit
                    + " bytes one message may hold");
            line.put("flow_id", shipment.flowId());
            line.put("run_id", shipment.runId());
            line.set("row", row);
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
            rows++;
        }

        /** Publishes the file (when a row went to it); returns words for the delivery's detail. */
        String publish() throws IOException {
            if (out == null) {
                return "";
            }
            out.close();
            files.publish(staged, relative);
            LOG.warn("flow '{}' destination '{}': {} row(s) too large for one message written to {}", shipment.flowId(),
                    destination.name(), rows, relative);
            return "; " + rows + " row(s) too large for one message written to " + relative;
        }

        void discard() {
            try {
                if (out != null) {
                    out.close();
                    Files.deleteIfExists(staged);
                }
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", staged, e.getMessage());
            }
        }
    }
}
