package io.flowexport.destination.servicebus;

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

/** The {@code servicebus} destination type: options, parsing and description; {@link ServiceBusConnector} sends. */
public final class ServiceBusProvider implements DestinationProvider<ServiceBusSpec> {

    static final Option QUEUE = Option.optional("queue", STRING, null, "the queue; set queue or topic",
            "\"orders\"").shown("one of queue, topic");
    static final Option TOPIC = Option.optional("topic", STRING, null, "the topic; set queue or topic",
            "\"orders\"").shown("one of queue, topic");
    static final Option SESSION_ID = Option.optional("session_id", STRING, null, "a column whose value is the "
            + "session id", "\"customer_id\"");
    static final List<Option> OPTIONS = MessagingOptions.with(List.of(QUEUE, TOPIC, SESSION_ID));

    @Override
    public List<String> types() {
        return List.of(ServiceBusSpec.TYPE);
    }

    @Override
    public Class<ServiceBusSpec> specType() {
        return ServiceBusSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        return OPTIONS;
    }

    @Override
    public Connector<ServiceBusSpec> connector(ConnectorContext context) {
        return new ServiceBusConnector(context.camel(), context.secrets(), context.files());
    }

    @Override
    public ServiceBusSpec parse(String type, TomlView v, ServiceBusSpec b, String name, String ref) {
        String namespace = MessagingOptions.namespace(v, b, ServiceBusSpec.TYPE);
        String queue = MessagingOptions.entity(v, "queue", null, "queue");
        String topic = MessagingOptions.entity(v, "topic", null, "topic");
        if (v.has("queue") && v.has("topic")) {
            v.problems().error(v.pos("topic"), v.key("topic"), "set queue or topic, not both");
            return null;
        }
        if (!v.has("queue") && !v.has("topic")) {
            if (b != null) {
                queue = b.queue();
                topic = b.topic();
            } else {
                v.missing("queue", "a servicebus destination needs queue = \"<name>\" or topic = \"<name>\"");
                return null;
            }
        }
        String endpoint = MessagingOptions.endpointHostPort(v, b != null ? b.endpoint() : null,
                "a private endpoint or gateway, e.g. gateway.contoso.com:5671");
        AzureAuth auth = MessagingOptions.auth(v, b != null ? b.auth() : null, ServiceBusSpec.TYPE, false);
        MessagingOptions.Common c = MessagingOptions.common(v, b);
        String session = v.has("session_id") ? v.string("session_id") : b != null ? b.sessionId() : null;
        if (namespace == null || queue == null && topic == null || auth == null || c == null
                || v.has("endpoint") && endpoint == null) {
            return null;
        }
        return new ServiceBusSpec(name, ref, namespace, queue, topic, endpoint, auth, c.shape(), session,
                c.attempts(), c.initial(), c.max(), c.timeout());
    }

    @Override
    public String describe(ServiceBusSpec b, Map<String, String> values) {
        return MessagingOptions.describe(b, b.where() + " over AMQP", ", session id ", values);
    }

    @Override
    public String refuses(ServiceBusSpec spec, FileFormat format) {
        return MessagingOptions.refuses(spec, format);
    }

    @Override
    public Map<String, String> localFiles(ServiceBusSpec spec) {
        return MessagingOptions.localFiles(spec);
    }

    @Override
    public Map<String, List<String>> namedColumns(ServiceBusSpec spec) {
        return MessagingOptions.namedColumns(spec);
    }
}
