package io.flowexport.destination.http;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.Describe;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.spi.Connector;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * The {@code http} connector: turns a flow's HTTP destination (placeholders rendered, secrets resolved) into
 * {@link HttpSettings} and sends the shipment with {@link HttpDelivery}. Every request carries
 * {@code X-FlowExport-Flow}, {@code X-FlowExport-Run} and {@code X-FlowExport-Batch-Range}, and an
 * {@code Idempotency-Key} derived from the flow, the destination's name, the batch range (or, for full exports,
 * the run) and the chunk number: the same on every retry and every re-send of the same batches.
 */
public final class HttpConnector implements Connector<HttpSpec> {

    private final Supplier<CamelContext> camel;
    private final Secrets secrets;
    private HttpDelivery delivery;

    /**
     * @param camel   the runner's Camel context, asked for when the HTTP client is made (on first use)
     * @param secrets resolves {@code ${env:...}} and {@code ${file:...}}
     */
    public HttpConnector(Supplier<CamelContext> camel, Secrets secrets) {
        this.camel = camel;
        this.secrets = secrets;
    }

    private synchronized HttpDelivery delivery() {
        if (delivery == null) {
            delivery = new HttpDelivery(camel.get());
        }
        return delivery;
    }

    @Override
    public synchronized void close() {
        if (delivery != null) {
            delivery.close();
            delivery = null;
        }
    }

    @Override
    public Delivered deliver(Shipment s, HttpSpec h, int startChunk) {
        String shownUrl = Describe.url(new PathTemplate(h.url()).render(s.values()));
        HttpSettings settings;
        try {
            settings = settings(h, s.values());
        } catch (Secrets.SecretException | IllegalArgumentException e) {
            return new Delivered(h.name(), HttpSpec.TYPE, shownUrl, false, startChunk, null,
                    Secrets.redact(e.getMessage()), null);
        }
        Map<String, String> runHeaders = new LinkedHashMap<>();
        runHeaders.put("X-FlowExport-Flow", s.flowId());
        runHeaders.put("X-FlowExport-Run", s.runId());
        runHeaders.put("X-FlowExport-Batch-Range", s.batchRange());
        String label = "flow '" + s.flowId() + "' destination '" + h.name() + "'";
        DeliveryRequest request = new DeliveryRequest(s.file(), bodyFormat(s), runHeaders,
                s.flowId() + "/" + h.name() + "/" + s.idempotencyScope(), startChunk, label, s.aborted());
        DeliveryOutcome o = delivery().send(settings, request);
        String detail = o.ok()
                ? "HTTP " + o.lastStatus() + ", " + o.requests() + " request(s), " + o.chunksAcknowledged() + " chunk(s)"
                : o.error() + (o.bodyExcerpt() != null && !o.bodyExcerpt().isEmpty()
                        ? "; response body: " + o.bodyExcerpt() : "");
        return new Delivered(h.name(), HttpSpec.TYPE, shownUrl, o.ok(), o.chunksAcknowledged(),
                o.lastStatus(), Secrets.redact(detail), null);
    }

    @Override
    public String check(HttpSpec h, Map<String, String> values) {
        try {
            CheckOutcome o = delivery().check(settings(h, values));
            return o.ok() ? null : Secrets.redact(o.message());
        } catch (Secrets.SecretException | IllegalArgumentException e) {
            return Secrets.redact(e.getMessage());
        }
    }

    /** The destination's settings for one shipment: placeholders rendered, then secrets resolved. */
    HttpSettings settings(HttpSpec h, Map<String, String> values) {
        String url = secrets.render(new PathTemplate(h.url()).render(values));
        Map<String, String> headers = new LinkedHashMap<>();
        h.headers().forEach((k, v) -> headers.put(k, secrets.render(new PathTemplate(v).render(values))));
        Auth auth;
        if (h.auth() instanceof HttpAuth.Bearer b) {
            auth = new Auth.Bearer(secrets.resolve(b.token()));
        } else if (h.auth() instanceof HttpAuth.Basic b) {
            String password = secrets.resolve(b.password());
            Secrets.rememberDerived(Base64.getEncoder().encodeToString((b.username() + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
            auth = new Auth.Basic(b.username(), password);
        } else if (h.auth() instanceof HttpAuth.ApiKey k) {
            auth = new Auth.ApiKey(k.header(), secrets.resolve(k.value()));
        } else {
            auth = new Auth.None();
        }
        return new HttpSettings(url, h.method(), h.mode() == HttpMode.WHOLE
                ? HttpSettings.Mode.WHOLE : HttpSettings.Mode.BATCHES, h.batchSize(), headers, auth,
                h.connectTimeout(), h.readTimeout(), h.totalTimeout(), h.maxAttempts(), h.initialBackoff(),
                h.maxBackoff(), h.trustStore() == null ? null : Path.of(h.trustStore()),
                secrets.resolve(h.trustStorePassword()));
    }

    private static BodyFormat bodyFormat(Shipment s) {
        return switch (s.format()) {
            case CSV -> BodyFormat.CSV;
            case JSON -> s.jsonl() ? BodyFormat.JSONL : BodyFormat.JSON;
            case PARQUET -> BodyFormat.PARQUET;
        };
    }
}
