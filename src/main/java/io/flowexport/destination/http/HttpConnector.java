package io.flowexport.destination.http;

import io.flowexport.destination.Connector;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Describe;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.DestinationType;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code http} connector: turns a flow's HTTP destination (placeholders rendered, secrets resolved) into
 * {@link HttpSettings} and sends the shipment with {@link HttpDelivery}. Every request carries
 * {@code X-FlowExport-Flow}, {@code X-FlowExport-Run} and {@code X-FlowExport-Batch-Range}, and an
 * {@code Idempotency-Key} derived from the flow, the destination's name, the batch range (or, for full exports,
 * the run) and the chunk number: the same on every retry and every re-send of the same batches.
 */
public final class HttpConnector implements Connector {

    private final Supplier<HttpDelivery> delivery;
    private final Secrets secrets;

    /**
     * @param delivery the HTTP client, made on first use
     * @param secrets  resolves {@code ${env:...}} and {@code ${file:...}}
     */
    public HttpConnector(Supplier<HttpDelivery> delivery, Secrets secrets) {
        this.delivery = delivery;
        this.secrets = secrets;
    }

    @Override
    public DestinationType type() {
        return DestinationType.HTTP;
    }

    @Override
    public Delivered deliver(Shipment s, DestinationSpec destination, int startChunk) {
        DestinationSpec.Http h = (DestinationSpec.Http) destination;
        String shownUrl = Describe.url(new PathTemplate(h.url()).render(s.values()));
        HttpSettings settings;
        try {
            settings = settings(h, s.values());
        } catch (Secrets.SecretException | IllegalArgumentException e) {
            return new Delivered(h.name(), DestinationType.HTTP, shownUrl, false, startChunk, null,
                    Secrets.redact(e.getMessage()), null);
        }
        Map<String, String> runHeaders = new LinkedHashMap<>();
        runHeaders.put("X-FlowExport-Flow", s.flowId());
        runHeaders.put("X-FlowExport-Run", s.runId());
        runHeaders.put("X-FlowExport-Batch-Range", s.batchRange());
        String label = "flow '" + s.flowId() + "' destination '" + h.name() + "'";
        DeliveryRequest request = new DeliveryRequest(s.file(), bodyFormat(s), runHeaders,
                s.flowId() + "/" + h.name() + "/" + s.idempotencyScope(), startChunk, label, s.aborted());
        DeliveryOutcome o = delivery.get().send(settings, request);
        String detail = o.ok()
                ? "HTTP " + o.lastStatus() + ", " + o.requests() + " request(s), " + o.chunksAcknowledged() + " chunk(s)"
                : o.error() + (o.bodyExcerpt() != null && !o.bodyExcerpt().isEmpty()
                        ? "; response body: " + o.bodyExcerpt() : "");
        return new Delivered(h.name(), DestinationType.HTTP, shownUrl, o.ok(), o.chunksAcknowledged(),
                o.lastStatus(), Secrets.redact(detail), null);
    }

    @Override
    public String check(DestinationSpec destination, Map<String, String> values) {
        DestinationSpec.Http h = (DestinationSpec.Http) destination;
        try {
            CheckOutcome o = delivery.get().check(settings(h, values));
            return o.ok() ? null : Secrets.redact(o.message());
        } catch (Secrets.SecretException | IllegalArgumentException e) {
            return Secrets.redact(e.getMessage());
        }
    }

    /** The destination's settings for one shipment: placeholders rendered, then secrets resolved. */
    HttpSettings settings(DestinationSpec.Http h, Map<String, String> values) {
        String url = secrets.render(new PathTemplate(h.url()).render(values));
        Map<String, String> headers = new LinkedHashMap<>();
        h.headers().forEach((k, v) -> headers.put(k, secrets.render(new PathTemplate(v).render(values))));
        Auth auth;
        if (h.auth() instanceof DestinationSpec.HttpAuth.Bearer b) {
            auth = new Auth.Bearer(secrets.resolve(b.token()));
        } else if (h.auth() instanceof DestinationSpec.HttpAuth.Basic b) {
            String password = secrets.resolve(b.password());
            Secrets.rememberDerived(Base64.getEncoder().encodeToString((b.username() + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
            auth = new Auth.Basic(b.username(), password);
        } else if (h.auth() instanceof DestinationSpec.HttpAuth.ApiKey k) {
            auth = new Auth.ApiKey(k.header(), secrets.resolve(k.value()));
        } else {
            auth = new Auth.None();
        }
        return new HttpSettings(url, h.method(), h.mode() == DestinationSpec.HttpMode.WHOLE
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
