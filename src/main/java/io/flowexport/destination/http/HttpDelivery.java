package io.flowexport.destination.http;

import java.util.Objects;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * Sends one staged export file to an HTTP endpoint, whole or in batches of records, with retries, backoff and
 * {@code Retry-After}, and checks that an endpoint is reachable and accepts the credentials.
 *
 * <p>Requests go through camel-http ({@code http:}/{@code https:} endpoints of the given context) with a
 * {@link ProducerTemplate}; endpoints are created per destination (scheme, host, port, timeouts, trust store) and
 * live in the context, which stops them. Retries are this class's own: HttpClient's automatic retries, redirects,
 * cookies and compression are off. Thread-safe: deliveries of several flows may run at once.
 *
 * <p>Log lines go to the logger {@code io.flowexport.destination}: one WARN per retry. A failed delivery is not
 * logged here; its outcome carries the error for the caller to report once.
 */
public final class HttpDelivery implements AutoCloseable {

    private final ProducerTemplate template;
    private final HttpCall call;

    /**
     * @param context a started CamelContext with camel-http on the class path; this registers two beans in its
     *                registry ({@code flowexportHttpClientPolicy}, {@code flowexportHttpHeaderAllowList}) and one per
     *                custom trust store ({@code flowexportTrustStore<hash>})
     */
    public HttpDelivery(CamelContext context) {
        Objects.requireNonNull(context, "context");
        this.template = context.createProducerTemplate();
        this.call = new HttpCall(context, template);
    }

    /**
     * Delivers the file: chunks from {@code request.startChunk()} on, in order, each until acknowledged (2xx) or
     * given up; stops at the first chunk given up.
     *
     * <p>Per chunk at most {@code maxAttempts} attempts; another attempt follows connection errors (refused, reset,
     * empty response), connect and read timeouts, and HTTP 408, 429, 500, 502, 503, 504, after a wait from the
     * server's {@code Retry-After} or else an exponential backoff with jitter. Other statuses (3xx, other 4xx) and
     * TLS errors end the delivery at once. Waits check {@code request.aborted()} every 100 ms and never pass the
     * {@code totalTimeout} deadline: a wait that would is not started.
     *
     * @return the outcome; {@code ok=false} with an error message for HTTP, I/O, TLS, file and timeout failures
     * @throws NullPointerException when an argument is null
     */
    public DeliveryOutcome send(HttpSettings settings, DeliveryRequest request) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(request, "request");
        return new Delivery(settings, request, call).run();
    }

    /**
     * Checks the endpoint without sending data: one {@code HEAD} request to the URL with the configured headers and
     * auth, no body, no retry. 2xx, 3xx, 404, 405 (and other 4xx but 401/403) mean reachable; 401 and 403 mean
     * not authorised; 5xx (but 501) means failing; connection and TLS errors mean unreachable, with the cause.
     *
     * @return the outcome with a one-line message; never throws for HTTP, I/O or TLS failures
     * @throws NullPointerException when settings is null
     */
    public CheckOutcome check(HttpSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return new Probe(call).check(settings);
    }

    /** Stops the producer template; endpoints stay with the context. */
    @Override
    public void close() {
        template.stop();
    }
}
