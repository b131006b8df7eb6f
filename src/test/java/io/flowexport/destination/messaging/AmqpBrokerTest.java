package io.flowexport.destination.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.flowexport.destination.messaging.AmqpBroker.EntityOption;
import io.flowexport.destination.messaging.AmqpBroker.Outcome;
import io.flowexport.destination.messaging.AmqpBroker.PutToken;
import io.flowexport.destination.messaging.AmqpBroker.Received;
import io.flowexport.destination.messaging.AmqpBroker.Transfer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * {@link AmqpBroker} answers the real Azure SDK clients ({@link EventHubProducerClient},
 * {@link ServiceBusSenderClient}) as Event Hubs and Service Bus do: authorization, batches, tiers, management reads,
 * refusals and injected faults.
 */
class AmqpBrokerTest {

    private static final String KEY = "c2VuZC1rZXktZm9yLXRlc3Rz";
    private static final String HUB = "hub1";

    private AmqpBroker broker;

    @BeforeEach
    void start() {
        broker = AmqpBroker.start().addKey("send", KEY).createEventHub(HUB, 4);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /**
     * Short retries: a refused or failed operation ends within a few seconds. The SDK retries whole operations (link
     * creation, a timed-out send) after delay + 4 s, with reactor's backoff capped at maxDelay, which must not be
     * below that (reactor refuses a jitter range with a ceiling below its floor); a send rejected with a transient
     * condition other than server-busy is re-sent on the link after the delay alone.
     */
    private static AmqpRetryOptions retries(int maxRetries, Duration tryTimeout) {
        return new AmqpRetryOptions().setMode(AmqpRetryMode.FIXED).setMaxRetries(maxRetries)
                .setDelay(Duration.ofMillis(100)).setMaxDelay(Duration.ofSeconds(5)).setTryTimeout(tryTimeout);
    }

    private EventHubProducerClient producer(String keyName, String key, String hub, int maxRetries,
            Duration tryTimeout) {
        return new EventHubClientBuilder().connectionString(broker.connectionString(keyName, key), hub)
                .retryOptions(retries(maxRetries, tryTimeout)).buildProducerClient();
    }

    private EventHubProducerClient producer() {
        return producer("send", KEY, HUB, 1, Duration.ofSeconds(5));
    }

    private ServiceBusClientBuilder serviceBus(int maxRetries) {
        return new ServiceBusClientBuilder().connectionString(broker.connectionString("send", KEY))
                .retryOptions(retries(maxRetries, Duration.ofSeconds(5)));
    }

    private static EventData event(int i) {
        EventData e = new EventData("{\"row\":" + i + "}");
        e.setMessageId("id-" + i);
        e.setContentType("application/json");
        e.getProperties().put("table", "orders");
        e.getProperties().put("row", i);
        return e;
    }

    /** The cause chain, one {@code Class: message} per line, for assertion messages. */
    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            b.append('\n').append(c.getClass().getName()).append(": ").append(c.getMessage());
        }
        return b.toString();
    }

    private static Throwable rootOrAmqp(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AmqpException) {
                return c;
            }
        }
        return t;
    }

    @Test
    void eventHubBatchWithPartitionKeyArrivesAsOneTransfer() {
        try (EventHubProducerClient producer = producer()) {
            EventDataBatch batch = producer.createBatch(new CreateBatchOptions().setPartitionKey("k1"));
            for (int i = 0; i < 3; i++) {
                assertThat(batch.tryAdd(event(i))).isTrue();
            }
            producer.send(batch);
        }

        List<Received> received = broker.received(HUB);
        assertThat(received).extracting(Received::bodyText)
                .containsExactly("{\"row\":0}", "{\"row\":1}", "{\"row\":2}");
        assertThat(received).extracting(Received::messageId).containsExactly("id-0", "id-1", "id-2");
        assertThat(received).extracting(Received::contentType).containsOnly("application/json");
        assertThat(received.get(1).applicationProperties()).containsEntry("table", "orders").containsEntry("row", 1);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.messageAnnotations()).containsEntry("x-opt-partition-key", "k1");
            assertThat(r.partition()).isEqualTo(received.get(0).partition());
            assertThat(r.transferMessages()).isEqualTo(3);
        });
        assertThat(received).extracting(Received::sequenceNumber).containsExactly(0L, 1L, 2L);

        List<Transfer> transfers = broker.transfers(HUB);
        assertThat(transfers).hasSize(1);
        Transfer t = transfers.get(0);
        assertThat(t.messageFormat()).isEqualTo(AmqpBroker.BATCH_FORMAT);
        assertThat(t.messageCount()).isEqualTo(3);
        assertThat(t.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(t.envelopeAnnotations()).containsEntry("x-opt-partition-key", "k1");
        assertThat(t.sizeBytes()).isGreaterThan(received.stream().mapToLong(Received::sizeBytes).sum());
        assertThat(received.get(0).transferSizeBytes()).isEqualTo(t.sizeBytes());

        assertThat(broker.putTokens()).contains(new PutToken(1, "amqp://127.0.0.1/" + HUB,
                AmqpBroker.SAS_TOKEN_TYPE, "send", true, 202, "Accepted"));
        assertThat(broker.connections()).singleElement().satisfies(c -> {
            assertThat(c.saslMechanism()).isEqualTo("ANONYMOUS");
            assertThat(c.hostname()).isEqualTo("127.0.0.1");
            assertThat(c.properties()).containsKey("product");
        });
    }

    @Test
    void basicTierLimitsBatchesTo256KiB() {
        broker.tier(AmqpBroker.BASIC_MAX_MESSAGE_BYTES);
        byte[] payload = new byte[100_000];
        Arrays.fill(payload, (byte) 'x');
        int sent = 0;
        try (EventHubProducerClient producer = producer()) {
            for (int b = 0; b < 2; b++) {
                EventDataBatch batch = producer.createBatch();
                assertThat(batch.getMaxSizeInBytes()).isEqualTo(262_144);
                int added = 0;
                while (batch.tryAdd(new EventData(payload))) {
                    added++;
                }
                assertThat(added).isEqualTo(2);
                producer.send(batch);
                sent += added;
            }
        }

        assertThat(broker.received(HUB)).hasSize(sent).allSatisfy(r -> assertThat(r.body()).isEqualTo(payload));
        assertThat(broker.transfers(HUB)).hasSize(2).allSatisfy(t -> {
            assertThat(t.sizeBytes()).isLessThanOrEqualTo(AmqpBroker.BASIC_MAX_MESSAGE_BYTES).isGreaterThan(200_000);
            assertThat(t.messageCount()).isEqualTo(2);
        });
    }

    @Test
    void transferOverTheTierIsRejectedAsTooLarge() {
        try (EventHubProducerClient producer = producer()) {
            producer.send(List.of(new EventData("small"))); // the link is attached under the 1 MB tier
            broker.tier(AmqpBroker.BASIC_MAX_MESSAGE_BYTES);
            Throwable error = catchThrowable(() -> producer.send(List.of(new EventData(new byte[300_000]))));

            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_PAYLOAD_SIZE_EXCEEDED);
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).contains("exceeds the limit (262144 bytes)");
            });
        }
        assertThat(broker.rejectedCount(HUB)).isEqualTo(1);
        assertThat(broker.received(HUB)).extracting(Received::bodyText).containsExactly("small");
    }

    @Test
    void managementReadsHubAndPartitionsAndNamesAMissingHub() {
        try (EventHubProducerClient producer = producer()) {
            EventHubProperties hub = producer.getEventHubProperties();
            assertThat(hub.getName()).isEqualTo(HUB);
            assertThat(hub.getPartitionIds()).containsExactly("0", "1", "2", "3");
            assertThat(producer.getPartitionIds()).containsExactly("0", "1", "2", "3");

            producer.send(List.of(new EventData("a")), new com.azure.messaging.eventhubs.models.SendOptions()
                    .setPartitionId("2"));
            PartitionProperties p2 = producer.getPartitionProperties("2");
            assertThat(p2.isEmpty()).isFalse();
            assertThat(p2.getLastEnqueuedSequenceNumber()).isZero();
            assertThat(producer.getPartitionProperties("1").isEmpty()).isTrue();
        }
        assertThat(broker.received(HUB)).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo("2");
            assertThat(r.address()).isEqualTo(HUB + "/Partitions/2");
        });

        try (EventHubProducerClient missing = producer("send", KEY, "nohub", 0, Duration.ofSeconds(3))) {
            Throwable read = catchThrowable(missing::getEventHubProperties);
            assertThat(read).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.NOT_FOUND);
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).contains("'sb://127.0.0.1/nohub' could not be found");
            });

            Throwable send = catchThrowable(missing::createBatch);
            assertThat(rootOrAmqp(send)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.NOT_FOUND);
                assertThat(e.getMessage()).contains("nohub").contains("could not be found");
            });
        }
    }

    @Test
    void wrongKeyOrUnknownKeyNameIsUnauthorized() {
        try (EventHubProducerClient producer = producer("send", "not-the-key", HUB, 0, Duration.ofSeconds(3))) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                assertThat(e.isTransient()).isFalse();
                assertThat(e.getMessage()).startsWith("status-code: 401, status-description: InvalidSignature: "
                        + "The token has an invalid signature.");
            });
        }
        try (EventHubProducerClient producer = producer("nobody", KEY, HUB, 0, Duration.ofSeconds(3))) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                assertThat(e.getMessage()).contains("InvalidIssuer");
            });
        }
        assertThat(broker.putTokens()).extracting(PutToken::keyName, PutToken::accepted, PutToken::statusCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("send", false, 401),
                        org.assertj.core.groups.Tuple.tuple("nobody", false, 401));
        assertThat(broker.transfers(HUB)).isEmpty();
    }

    @Test
    void keyWithoutSendClaimCannotAttachASender() {
        broker.addKey("listen", "listen-key").denySend("listen");
        try (EventHubProducerClient producer = producer("listen", "listen-key", HUB, 0, Duration.ofSeconds(3))) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                assertThat(e.getMessage()).contains("'Send' claim(s) are required").contains("hub1");
            });
        }
        assertThat(broker.putTokens()).singleElement().extracting(PutToken::accepted).isEqualTo(true);
    }

    @Test
    void registeredJwtIsAcceptedAndOthersAreNot() {
        broker.acceptToken("jwt-good");
        TokenCredential good = request -> Mono.just(new AccessToken("jwt-good", OffsetDateTime.now().plusHours(1)));
        TokenCredential bad = request -> Mono.just(new AccessToken("jwt-bad", OffsetDateTime.now().plusHours(1)));
        try (EventHubProducerClient producer = new EventHubClientBuilder()
                .connectionString(broker.connectionString("send", KEY), HUB).credential(good)
                .retryOptions(retries(0, Duration.ofSeconds(3))).buildProducerClient()) {
            producer.send(List.of(new EventData("with a token")));
            assertThat(producer.getPartitionIds()).hasSize(4);
        }
        try (EventHubProducerClient producer = new EventHubClientBuilder()
                .connectionString(broker.connectionString("send", KEY), HUB).credential(bad)
                .retryOptions(retries(0, Duration.ofSeconds(3))).buildProducerClient()) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class,
                    e -> assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS));
        }
        assertThat(broker.received(HUB)).extracting(Received::bodyText).containsExactly("with a token");
        assertThat(broker.putTokens()).extracting(PutToken::type).containsOnly(AmqpBroker.JWT_TOKEN_TYPE);
        assertThat(broker.putTokens()).extracting(PutToken::accepted).containsExactly(true, false);
    }

    @Test
    void serviceBusQueueKeepsSessionsAndDropsDuplicates() {
        broker.createQueue("q1", EntityOption.REQUIRES_SESSION, EntityOption.REQUIRES_DUPLICATE_DETECTION);
        List<ServiceBusMessage> messages = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ServiceBusMessage m = new ServiceBusMessage("row " + i);
            m.setMessageId("m-" + i);
            m.setSessionId("s-1");
            m.setContentType("text/plain");
            m.setSubject("orders");
            m.setCorrelationId("run-7");
            m.getApplicationProperties().put("row", i);
            messages.add(m);
        }
        try (ServiceBusSenderClient sender = serviceBus(1).sender().queueName("q1").buildClient()) {
            sender.sendMessages(messages);
            sender.sendMessages(messages);

            Throwable noSession = catchThrowable(() -> sender.sendMessage(new ServiceBusMessage("no session")));
            assertThat(noSession).isInstanceOf(ServiceBusException.class)
                    .hasMessageContaining("The SessionId was not set on a message");
        }

        List<Received> received = broker.received("q1");
        assertThat(received).extracting(Received::bodyText).containsExactly("row 0", "row 1", "row 2");
        assertThat(received).extracting(Received::messageId).containsExactly("m-0", "m-1", "m-2");
        assertThat(received).allSatisfy(r -> {
            assertThat(r.groupId()).isEqualTo("s-1");
            assertThat(r.contentType()).isEqualTo("text/plain");
            assertThat(r.subject()).isEqualTo("orders");
            assertThat(r.correlationId()).isEqualTo("run-7");
            assertThat(r.partition()).isNull();
        });
        assertThat(received.get(2).applicationProperties()).containsEntry("row", 2);
        assertThat(broker.duplicateCount("q1")).isEqualTo(3);
        assertThat(broker.rejectedCount("q1")).isEqualTo(1);
        assertThat(broker.transfers("q1")).extracting(Transfer::messageCount, Transfer::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, Outcome.ACCEPTED),
                org.assertj.core.groups.Tuple.tuple(3, Outcome.ACCEPTED),
                org.assertj.core.groups.Tuple.tuple(1, Outcome.REJECTED));
    }

    @Test
    void transientRejectionIsRetriedByTheSdkAndServerBusySurfacesWithoutRetries() {
        broker.createQueue("q2");
        // re-sent on the same link after the retry delay; a server-busy would be re-sent after delay + 4 s
        broker.failNext("q2", 1, "amqp:internal-error", "The service was unable to process the request.");
        try (ServiceBusSenderClient sender = serviceBus(1).sender().queueName("q2").buildClient()) {
            sender.sendMessage(new ServiceBusMessage("after a retry"));
        }
        assertThat(broker.rejectedCount("q2")).isEqualTo(1);
        assertThat(broker.transfers("q2")).extracting(Transfer::outcome, Transfer::errorCondition).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Outcome.REJECTED, "amqp:internal-error"),
                org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, null));
        assertThat(broker.received("q2")).extracting(Received::bodyText).containsExactly("after a retry");

        broker.failNext("q2", 1, "com.microsoft:server-busy", "The server is busy.");
        try (ServiceBusSenderClient sender = serviceBus(0).sender().queueName("q2").buildClient()) {
            Throwable error = catchThrowable(() -> sender.sendMessage(new ServiceBusMessage("lost")));
            // what the SDK surfaces: ServiceBusException <- reactor's RetryExhaustedException <- AmqpException
            assertThat(error).isInstanceOf(ServiceBusException.class);
            // not transient as the SDK sees it: the cause is reactor's exhaustion, not the AmqpException
            assertThat(((ServiceBusException) error).isTransient()).isFalse();
            assertThat(Exceptions.isRetryExhausted(error.getCause())).isTrue();
            assertThat(rootOrAmqp(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.SERVER_BUSY_ERROR);
                assertThat(e.getMessage()).startsWith("The server is busy.");
            });
        }
        assertThat(broker.rejectedCount("q2")).isEqualTo(2);
        assertThat(broker.received("q2")).hasSize(1);
    }

    @Test
    void topicTakesMessagesLikeAQueueAndAMissingQueueIsNamed() {
        broker.createTopic("t1");
        try (ServiceBusSenderClient sender = serviceBus(1).sender().topicName("t1").buildClient()) {
            ServiceBusMessage m = new ServiceBusMessage("to the topic".getBytes(UTF_8));
            m.setMessageId("t-1");
            sender.sendMessage(m);
        }
        assertThat(broker.received("t1")).singleElement().satisfies(r -> {
            assertThat(r.bodyText()).isEqualTo("to the topic");
            assertThat(r.messageId()).isEqualTo("t-1");
        });
        assertThat(broker.transfers("t1")).singleElement().extracting(Transfer::messageFormat).isEqualTo(0);

        try (ServiceBusSenderClient sender = serviceBus(0).sender().queueName("nope").buildClient()) {
            Throwable error = catchThrowable(() -> sender.sendMessage(new ServiceBusMessage("x")));
            assertThat(error).isInstanceOf(ServiceBusException.class)
                    .hasMessageContaining("The messaging entity 'sb://127.0.0.1/nope' could not be found");
        }
    }

    @Test
    void heldTransferTimesOutOnTheClient() {
        try (EventHubProducerClient producer = producer("send", KEY, HUB, 0, Duration.ofSeconds(1))) {
            producer.send(List.of(new EventData("first")));
            broker.holdNext(HUB, 1);
            Throwable error = catchThrowable(() -> producer.send(List.of(new EventData("held"))));
            // what the SDK surfaces: reactor's RetryExhaustedException <- the try timeout of the send operation
            assertThat(Exceptions.isRetryExhausted(error)).as(chain(error)).isTrue();
            assertThat(error.getCause()).as(chain(error)).isInstanceOf(java.util.concurrent.TimeoutException.class);
            producer.send(List.of(new EventData("after")));
        }
        assertThat(broker.heldCount(HUB)).isEqualTo(1);
        assertThat(broker.transfers(HUB)).extracting(Transfer::outcome)
                .containsExactly(Outcome.ACCEPTED, Outcome.HELD, Outcome.ACCEPTED);
        assertThat(broker.received(HUB)).extracting(Received::bodyText).containsExactly("first", "after");
    }

    @Test
    void droppedConnectionIsReopenedByTheSdk() {
        try (EventHubProducerClient producer = producer("send", KEY, HUB, 1, Duration.ofSeconds(3))) {
            producer.send(List.of(new EventData("before the drop")));
            assertThat(broker.dropConnections()).isEqualTo(1);
            // the SDK notices the reset and sends on a new connection (and a new put-token). When the send races the
            // SDK's own handling of the reset, that send fails once with "Cannot create send link from a closed
            // session" (seen on CI), and the next one reconnects: a caller's retry (the connector's) covers it
            Throwable first = catchThrowable(() -> producer.send(List.of(new EventData("after the drop"))));
            if (first != null) {
                assertThat(first).as(chain(first)).hasMessageContaining("closed");
                producer.send(List.of(new EventData("after the drop")));
            }
        }
        assertThat(broker.received(HUB)).extracting(Received::bodyText)
                .containsExactly("before the drop", "after the drop");
        assertThat(broker.connections()).hasSize(2);
        assertThat(broker.putTokens()).hasSize(2).allMatch(PutToken::accepted);
    }

    @Test
    void signaturesAreCheckedForExpiryAndKeyScope() {
        broker.createEventHub("hub2", 1).addKey("hub1-only", "scoped-key", HUB);
        try (EventHubProducerClient producer = producer("hub1-only", "scoped-key", HUB, 0, Duration.ofSeconds(3))) {
            producer.send(List.of(new EventData("entity-level key")));
        }
        try (EventHubProducerClient producer = producer("hub1-only", "scoped-key", "hub2", 0,
                Duration.ofSeconds(3))) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).as(chain(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                assertThat(e.getMessage()).contains("401").contains("InvalidIssuer");
            });
        }

        String valid = AmqpBroker.sharedAccessSignature("sb://127.0.0.1/", "send", KEY,
                Instant.now().plusSeconds(600));
        try (EventHubProducerClient producer = new EventHubClientBuilder()
                .connectionString(broker.connectionStringWithSignature(valid, HUB))
                .retryOptions(retries(0, Duration.ofSeconds(3))).buildProducerClient()) {
            producer.send(List.of(new EventData("namespace-wide signature")));
        }
        String expired = AmqpBroker.sharedAccessSignature("sb://127.0.0.1/", "send", KEY,
                Instant.now().minusSeconds(60));
        try (EventHubProducerClient producer = new EventHubClientBuilder()
                .connectionString(broker.connectionStringWithSignature(expired, HUB))
                .retryOptions(retries(0, Duration.ofSeconds(3))).buildProducerClient()) {
            Throwable error = catchThrowable(producer::createBatch);
            assertThat(rootOrAmqp(error)).as(chain(error)).isInstanceOfSatisfying(AmqpException.class, e -> {
                assertThat(e.getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
                assertThat(e.getMessage()).contains("401").contains("ExpiredToken");
            });
        }
        assertThat(broker.received(HUB)).extracting(Received::bodyText)
                .containsExactly("entity-level key", "namespace-wide signature");
        assertThat(broker.putTokens()).extracting(PutToken::keyName, PutToken::accepted).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hub1-only", true),
                org.assertj.core.groups.Tuple.tuple("hub1-only", false),
                org.assertj.core.groups.Tuple.tuple("send", true),
                org.assertj.core.groups.Tuple.tuple("send", false));
    }
}
