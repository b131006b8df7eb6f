package io.flowexport.destination.eventhub;

import static io.flowexport.destination.spi.Option.Type.BOOLEAN;
import static io.flowexport.destination.spi.Option.Type.ENUM;
import static io.flowexport.destination.spi.Option.Type.STRING;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.messaging.MessagingOptions;
import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.parse.TomlView;
import java.util.List;
import java.util.Map;

/** The {@code eventhub} destination type: options, parsing and description; {@link EventHubConnector} sends. */
public final class EventHubProvider implements DestinationProvider<EventHubSpec> {

    static final Option EVENT_HUB = Option.required("event_hub", STRING, "the event hub (the Kafka topic)",
            "\"orders\"");
    static final Option PROTOCOL = Option.optional("protocol", ENUM, EventHubProtocol.AMQP, "amqp or kafka",
            "\"kafka\"");
    static final Option TLS = Option.optional("tls", BOOLEAN, true, "Kafka only: false only for a local test broker",
            "false");
    static final Option PARTITION_KEY = Option.optional("partition_key", STRING, null, "a column whose value is "
            + "the partition key", "\"customer_id\"");
    static final List<Option> OPTIONS = MessagingOptions.with(List.of(EVENT_HUB, PROTOCOL, TLS, PARTITION_KEY));

    @Override
    public List<String> types() {
        return List.of(EventHubSpec.TYPE);
    }

    @Override
    public Class<EventHubSpec> specType() {
        return EventHubSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        return OPTIONS;
    }

    @Override
    public Connector<EventHubSpec> connector(ConnectorContext context) {
        return new EventHubConnector(context.camel(), context.secrets(), context.files());
    }

    @Override
    public EventHubSpec parse(String type, TomlView v, EventHubSpec b, String name, String ref) {
        String namespace = MessagingOptions.namespace(v, b, EventHubSpec.TYPE);
        String hub = MessagingOptions.entity(v, "event_hub", b != null ? b.eventHub() : null, "event hub");
        if (hub == null && !v.has("event_hub") && b == null) {
            v.missing("event_hub", "an eventhub destination needs event_hub = \"<name>\"");
        }
        EventHubProtocol protocol = v.has("protocol")
                ? v.enumValue("protocol", EventHubProtocol.class, "protocol")
                : b != null ? b.protocol() : PROTOCOL.defaultAs(EventHubProtocol.class);
        boolean kafka = protocol == EventHubProtocol.KAFKA;
        String endpoint = MessagingOptions.endpointHostPort(v, b != null ? b.endpoint() : null, kafka
                ? "the Kafka endpoint, e.g. mynamespace.servicebus.windows.net:9093"
                : "a private endpoint or gateway, e.g. gateway.contoso.com:5671");
        boolean tls = v.has("tls") ? !Boolean.FALSE.equals(v.bool("tls")) : b == null || b.tls();
        if (v.has("tls") && !kafka) {
            v.problems().error(v.pos("tls"), v.key("tls"), "tls is for protocol = \"kafka\"; AMQP always uses TLS, "
                    + "except against a local emulator named by UseDevelopmentEmulator=true in the connection string");
        } else if (v.has("tls") && !tls && endpoint != null && !endpoint.startsWith("127.0.0.1:")
                && !endpoint.startsWith("localhost:")) {
            v.problems().warning(v.pos("tls"), v.key("tls"), "tls = false sends the connection string and the "
                    + "events unencrypted; only for a local test broker");
        }
        AzureAuth auth = MessagingOptions.auth(v, b != null ? b.auth() : null, EventHubSpec.TYPE, kafka);
        MessagingOptions.Common c = MessagingOptions.common(v, b);
        String partitionKey = v.has("partition_key") ? v.string("partition_key") : b != null ? b.partitionKey() : null;
        if (namespace == null || hub == null || protocol == null || auth == null || c == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new EventHubSpec(name, ref, namespace, hub, protocol, endpoint, tls, auth, c.shape(),
                partitionKey, c.attempts(), c.initial(), c.max(), c.timeout());
    }

    @Override
    public String describe(EventHubSpec h, Map<String, String> values) {
        String how = h.overKafka() ? "event hub " + h.namespace() + "/" + h.entity() + " over Kafka at "
                + h.kafkaBootstrap() + (h.tls() ? "" : " WITHOUT TLS") : h.where() + " over AMQP";
        return MessagingOptions.describe(h, how, ", partition key ", values);
    }

    @Override
    public String refuses(EventHubSpec spec, FileFormat format) {
        return MessagingOptions.refuses(spec, format);
    }

    @Override
    public Map<String, String> localFiles(EventHubSpec spec) {
        return MessagingOptions.localFiles(spec);
    }

    @Override
    public Map<String, List<String>> namedColumns(EventHubSpec spec) {
        return MessagingOptions.namedColumns(spec);
    }
}
