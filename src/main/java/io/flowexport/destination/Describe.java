package io.flowexport.destination;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.DestinationSpec.HttpAuth;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One-line descriptions of destinations for {@code plan}, {@code check} and logs. Secret references print as
 * written ({@code ${env:NAME}}), literal secrets as {@code ****}, never a value.
 */
public final class Describe {


    private Describe() {
    }

    /**
     * Describes a destination with its path or URL rendered with {@code values} (placeholders without a value
     * stay as written).
     */
    public static String destination(DestinationSpec d, Map<String, String> values) {
        String head = d.type().toml() + " '" + d.name() + "'" + (d.ref() != null ? " (catalogue entry '" + d.ref()
                + "')" : "") + ": ";
        if (d instanceof DestinationSpec.File f) {
            return head + f.path() + " -> " + new PathTemplate(f.path()).render(values);
        }
        if (d instanceof DestinationSpec.Lake l) {
            return head + lake(l, values);
        }
        if (d instanceof DestinationSpec.Messaging e) {
            DestinationSpec.MessageShape m = e.messages();
            String how = e instanceof DestinationSpec.EventHub h && h.protocol()
                    == DestinationSpec.EventHubProtocol.KAFKA ? "event hub " + e.namespace() + "/" + e.entity()
                    + " over Kafka at " + h.kafkaBootstrap() + (h.tls() ? "" : " WITHOUT TLS")
                    : e.where() + " over AMQP";
            String group = e.groupColumn() == null ? "" : (e instanceof DestinationSpec.EventHub ? ", partition key "
                    : ", session id ") + e.groupColumn();
            return head + how + ", auth " + io.flowexport.destination.azure.AzureCredentials.describe(e.auth(), null)
                    + ", " + (m.rowsPerMessage() == 1 ? "one message per row" : "up to " + m.rowsPerMessage()
                    + " rows per message") + (m.keyColumns().isEmpty() ? "" : ", ids from " + m.keyColumns()) + group
                    + (m.properties().isEmpty() ? "" : ", properties " + m.properties()) + ", messages up to "
                    + m.maxMessageBytes() + " bytes, batches up to " + m.maxBatchBytes() + " bytes"
                    + (m.deadLetterPath() == null ? "" : ", too large rows to " + new PathTemplate(
                    m.deadLetterPath()).render(values)) + ", " + e.maxAttempts() + " attempts, send timeout "
                    + Durations.format(e.sendTimeout());
        }
        return head + http((DestinationSpec.Http) d, values);
    }

    private static String lake(DestinationSpec.Lake l, Map<String, String> values) {
        StringBuilder sb = new StringBuilder(l.location(new PathTemplate(l.objectPath()).render(values)));
        sb.append(", auth ").append(io.flowexport.destination.azure.AzureCredentials.describe(l.auth(), l.account()));
        sb.append(", overwrite ").append(l.overwrite() == null ? "default (true for full exports)" : l.overwrite());
        if (l.manifest()) {
            sb.append(", manifest ").append(new PathTemplate(l.manifestObjectPath()).render(values));
        }
        sb.append(", blocks of ").append(l.blockSize()).append(" bytes x").append(l.maxConcurrency());
        sb.append(", ").append(l.retry().maxAttempts()).append(" attempts, try timeout ")
                .append(Durations.format(l.retry().tryTimeout())).append(", backoff ")
                .append(Durations.format(l.retry().initialBackoff())).append("..")
                .append(Durations.format(l.retry().maxBackoff()));
        return sb.toString();
    }

    /** A URL safe to print: user info and literal values of secret-looking query parameters masked. */
    public static String url(String url) {
        String masked = url.replaceAll("//[^/@]*@", "//****@");
        return masked.replaceAll("(?i)([?&][^=&]*(key|token|secret|sig|code|password)[^=&]*=)(?!\\$\\{)[^&#]*",
                "$1****");
    }

    private static String http(DestinationSpec.Http h, Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        sb.append(h.method()).append(' ').append(url(new PathTemplate(h.url()).render(values)));
        sb.append(h.mode() == DestinationSpec.HttpMode.WHOLE ? " (the whole file per request)"
                : " (batches of " + h.batchSize() + " records per request)");
        sb.append(", auth ").append(auth(h.auth()));
        if (!h.headers().isEmpty()) {
            Map<String, String> shown = new TreeMap<>();
            h.headers().forEach((k, v) -> shown.put(k, io.flowexport.flow.Secrets.isSecretHeader(k)
                    && !Secrets.hasReference(v) ? "****" : v));
            sb.append(", headers ").append(shown);
        }
        sb.append(", timeouts connect ").append(Durations.format(h.connectTimeout()))
                .append(" read ").append(Durations.format(h.readTimeout()))
                .append(" total ").append(Durations.format(h.totalTimeout()));
        sb.append(", ").append(h.maxAttempts()).append(" attempts, backoff ")
                .append(Durations.format(h.initialBackoff())).append("..").append(Durations.format(h.maxBackoff()));
        sb.append(", trust store ").append(h.trustStore() == null ? "the JVM's" : h.trustStore());
        return sb.toString();
    }

    private static String auth(HttpAuth a) {
        if (a instanceof HttpAuth.Bearer b) {
            return "bearer token " + b.token().masked();
        } else if (a instanceof HttpAuth.Basic b) {
            return "basic user " + b.username() + " password " + b.password().masked();
        } else if (a instanceof HttpAuth.ApiKey k) {
            return "api key in header " + k.header() + " " + k.value().masked();
        }
        return "none";
    }
}
