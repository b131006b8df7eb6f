package io.flowexport.destination.camel;

import static io.flowexport.destination.spi.Option.Type.DURATION;
import static io.flowexport.destination.spi.Option.Type.INTEGER;
import static io.flowexport.destination.spi.Option.Type.STRING;

import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import io.flowexport.destination.spi.Values;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.TomlView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code camel} destination type: any Camel endpoint URI (SFTP, FTP, RabbitMQ, MQTT, NATS, and any component
 * whose jar is on the class path) receives the staged export file as one message ({@link CamelConnector}).
 */
public final class CamelProvider implements DestinationProvider<CamelSpec> {

    static final Option URI = Option.required("uri", STRING, "a Camel endpoint URI; placeholders (`{flow_id}`, "
            + "`{batch_id}`, ...) allowed; a secret in an option only as `${env:NAME}` / `${file:/path}`, resolved "
            + "when sending and masked everywhere else",
            "\"sftp://exports@127.0.0.1:2222/in?password=${env:SFTP_PASSWORD}\"");
    static final Option FILE_NAME = Option.optional("file_name", STRING, null, "the message's `CamelFileName` "
            + "header, with placeholders", "\"orders_{batch_id}.csv\"").shown("{flow_id}_{run_id} + the format's "
            + "extension");
    static final Option CONTENT_TYPE = Option.optional("content_type", STRING, null, "the `Content-Type` header",
            "\"text/csv\"").shown("from the format");
    static final Option MAX_ATTEMPTS = Option.optional("max_attempts", INTEGER, CamelSpec.DEFAULT_MAX_ATTEMPTS,
            "sends per delivery when the endpoint fails (network, server); a bad URI is not retried", "3");
    static final Option INITIAL_BACKOFF = Option.optional("initial_backoff", DURATION,
            CamelSpec.DEFAULT_INITIAL_BACKOFF, "wait after the first failed send, doubled per send, with jitter",
            "\"500ms\"");
    static final Option MAX_BACKOFF = Option.optional("max_backoff", DURATION, CamelSpec.DEFAULT_MAX_BACKOFF,
            "longest wait between sends", "\"10s\"");
    static final List<Option> OPTIONS = List.of(URI, FILE_NAME, CONTENT_TYPE, MAX_ATTEMPTS, INITIAL_BACKOFF,
            MAX_BACKOFF);

    @Override
    public List<String> types() {
        return List.of(CamelSpec.TYPE);
    }

    @Override
    public Class<CamelSpec> specType() {
        return CamelSpec.class;
    }

    @Override
    public List<Option> options(String type) {
        return OPTIONS;
    }

    @Override
    public CamelSpec parse(String type, TomlView v, CamelSpec b, String name, String ref) {
        String uri = v.has("uri") ? v.string("uri") : b != null ? b.uri() : null;
        if (uri == null && !v.has("uri")) {
            v.missing("uri", "a camel destination needs uri = \"<component>:<path>?<options>\", e.g. "
                    + URI.example());
        }
        boolean ok = uri != null;
        if (uri != null && v.has("uri")) {
            for (String problem : CamelUris.problems(uri)) {
                v.problems().error(v.pos("uri"), v.key("uri"), problem);
                ok = false;
            }
        }
        String fileName = v.has("file_name") ? v.string("file_name") : b != null ? b.fileName() : null;
        if (fileName != null && v.has("file_name")) {
            for (String p : new TreeSet<>(new PathTemplate(fileName).placeholders())) {
                if (!PathTemplate.PLACEHOLDERS.contains(p)) {
                    v.problems().error(v.pos("file_name"), v.key("file_name"), "unknown placeholder {" + p
                            + "}; known: " + String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS)));
                    ok = false;
                }
            }
            if (fileName.isBlank() || fileName.startsWith("/") || fileName.contains("\\")
                    || java.util.Arrays.asList(fileName.split("/")).contains("..")) {
                v.problems().error(v.pos("file_name"), v.key("file_name"), "file_name must be a relative name below "
                        + "the uri's directory: not empty, no leading '/', no '..' and no '\\'");
                ok = false;
            }
        }
        String contentType = v.has("content_type") ? v.string("content_type") : b != null ? b.contentType() : null;
        int attempts = Values.bounded(v, MAX_ATTEMPTS, b != null ? b.maxAttempts() : null, 100);
        Duration initial = Values.duration(v, INITIAL_BACKOFF, b != null ? b.initialBackoff() : null);
        Duration max = Values.duration(v, MAX_BACKOFF, b != null ? b.maxBackoff() : null);
        if (initial != null && max != null && initial.compareTo(max) > 0) {
            v.problems().error(v.pos(v.has("initial_backoff") ? "initial_backoff" : "max_backoff"),
                    v.key(v.has("initial_backoff") ? "initial_backoff" : "max_backoff"), "initial_backoff ("
                    + Durations.format(initial) + ") is longer than max_backoff (" + Durations.format(max) + ")");
            ok = false;
        }
        if (!ok || initial == null || max == null || attempts < 1) {
            return null;
        }
        return new CamelSpec(name, ref, uri, fileName, contentType, attempts, initial, max);
    }

    @Override
    public Connector<CamelSpec> connector(ConnectorContext context) {
        return new CamelConnector(context.camel(), context.secrets());
    }

    @Override
    public String describe(CamelSpec c, Map<String, String> values) {
        String name = c.fileName() != null ? new PathTemplate(c.fileName()).render(values)
                : new PathTemplate(CamelSpec.DEFAULT_FILE_NAME).render(values) + ".<format>";
        return CamelUris.shown(new PathTemplate(c.uri()).render(values)) + " (file name " + name + ", max_attempts "
                + c.maxAttempts() + ")";
    }

    @Override
    public boolean templateAsWritten() {
        return false;
    }
}
