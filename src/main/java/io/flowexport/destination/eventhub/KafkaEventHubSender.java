package io.flowexport.destination.eventhub;

import io.flowexport.destination.messaging.MessageSender;
import io.flowexport.destination.messaging.MessagingErrors;
import io.flowexport.destination.messaging.OutMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Sends events to an Event Hub through the namespace's Kafka endpoint with Camel's kafka component: SASL PLAIN with
 * user {@code $ConnectionString} and the connection string as password, over TLS ({@code SASL_SSL}) except against
 * a local test broker. A batch is one exchange whose body is the list of its messages; the producer sends them all
 * and waits for every acknowledgement ({@code acks=all}). Each message becomes one record: value = the body, key =
 * the partition key, headers = the application properties and {@code content_type}, as UTF-8 text (Event Hubs gives
 * Kafka headers to AMQP consumers as binary properties). No other header reaches the broker: the records are built
 * from messages that hold only these.
 *
 * <p>The connection string is set on the endpoint's configuration, never in its URI (URIs are logged).
 */
final class KafkaEventHubSender implements MessageSender {

    private final EventHubSpec destination;
    private final String jaas;
    private final CamelContext context;
    private final KafkaEndpoint endpoint;
    private final ProducerTemplate producer;

    /**
     * @param clientId         unique per sender, so that each has its own endpoint (and producer) in the context
     * @param connectionString the resolved connection string
     */
    KafkaEventHubSender(CamelContext context, EventHubSpec destination, String connectionString,
                        String clientId) {
        this.destination = destination;
        this.context = context;
        this.jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" "
                + "password=\"" + connectionString.replace("\\", "\\\\").replace("\"", "\\\"") + "\";";
        int timeout = (int) Math.min(Integer.MAX_VALUE, destination.sendTimeout().toMillis());
        this.endpoint = context.getEndpoint("kafka:" + destination.eventHub() + "?clientId=" + clientId,
                KafkaEndpoint.class);
        var c = endpoint.getConfiguration();
        c.setBrokers(destination.kafkaBootstrap());
        c.setSecurityProtocol(destination.tls() ? "SASL_SSL" : "SASL_PLAINTEXT");
        c.setSaslMechanism("PLAIN");
        c.setSaslJaasConfig(jaas);
        c.setRequestRequiredAcks("all");
        c.setEnableIdempotence(false);
        c.setValueSerializer("org.apache.kafka.common.serialization.ByteArraySerializer");
        c.setKeySerializer("org.apache.kafka.common.serialization.StringSerializer");
        c.setMaxRequestSize((int) Math.min(Integer.MAX_VALUE, destination.messages().maxMessageBytes() + 1024));
        int request = Math.max(1000, Math.min(30_000, timeout / 2));
        c.setRequestTimeoutMs(request);
        c.setDeliveryTimeoutMs(Math.max(timeout, request + 5 + 1)); // Kafka: delivery >= linger + request timeout
        c.setMaxBlockMs(timeout);
        c.setLingerMs(5);
        c.setRecordMetadata(false);
        c.setBatchWithIndividualHeaders(true); // else every record gets the (empty) headers of the batch's exchange
        this.producer = context.createProducerTemplate();
    }

    @Override
    public void send(List<OutMessage> batch) throws Exception {
        List<Message> records = new ArrayList<>(batch.size());
        for (OutMessage m : batch) {
            Message r = new DefaultMessage(context);
            r.setBody(m.body());
            if (m.partitionKey() != null) {
                r.setHeader(KafkaConstants.KEY, m.partitionKey());
            }
            r.setHeader("content_type", m.contentType());
            for (Map.Entry<String, Object> p : m.properties().entrySet()) {
                r.setHeader(p.getKey(), String.valueOf(p.getValue()).getBytes(StandardCharsets.UTF_8));
            }
            records.add(r);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(records);
        Exchange done = producer.send(endpoint, exchange);
        if (done.getException() != null) {
            Throwable e = done.getException();
            throw e instanceof ExecutionException && e.getCause() instanceof Exception c ? c
                    : e instanceof Exception x ? x : new Exception(e);
        }
    }

    @Override
    public String check() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, destination.kafkaBootstrap());
        p.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, destination.tls() ? "SASL_SSL" : "SASL_PLAINTEXT");
        p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        int timeout = (int) Math.min(30_000, destination.sendTimeout().toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(p)) {
            admin.describeTopics(List.of(destination.eventHub())).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
            return null;
        } catch (Exception e) {
            return MessagingErrors.explain(e, destination);
        }
    }

    @Override
    public void close() {
        try {
            producer.close();
            context.removeEndpoint(endpoint);
        } catch (Exception e) {
            // the connectors' context stops every endpoint when the runner stops
        }
    }
}
