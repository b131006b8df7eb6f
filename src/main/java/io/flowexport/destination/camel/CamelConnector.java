package io.flowexport.destination.camel;

import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Pause;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.Durations;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code camel} connector: sends a shipment's staged file as ONE message to any Camel endpoint URI. The body is
 * the file as an {@link InputStream} (components that stream, such as sftp/ftp/file, never hold the file in memory;
 * message brokers need the payload as one byte array and read it whole), the headers are
 * {@link CamelMessages#headers}.
 *
 * <p>For each send the URI's placeholders are rendered and its secret references resolved
 * ({@link CamelUris#resolve}); the endpoint is created in the runner's CamelContext for that send and removed after
 * it ({@link #borrow}), so no connection and no resolved secret outlives a delivery and a rotated secret is read at
 * the next send. Failed sends are retried with the spec's backoff; endpoint and secret problems
 * are not, as another try cannot mend them.
 *
 * <p>Every text that leaves this class (a {@link Delivered}'s target and detail, log lines, {@link #check}'s answer)
 * goes through Camel's {@code URISupport.sanitizeUri} and {@link Secrets#redact}.
 *
 * <p>Until the destination plugin registry knows the {@code camel} type, the {@link Delivered#type()} of its results
 * is null.
 */
public final class CamelConnector implements Connector<CamelSpec> {

    private static final Logger LOG = LoggerFactory.getLogger(CamelConnector.class);
    private static final int READ_BUFFER = 64 * 1024;

    private final Supplier<CamelContext> context;
    private final Secrets secrets;
    /** Endpoints this connector made, by resolved URI: how many sends use each. */
    private final Map<String, Integer> inUse = new HashMap<>();

    /**
     * @param context the runner's CamelContext (started), asked for at each delivery
     * @param secrets resolves {@code ${env:...}} and {@code ${file:...}}
     */
    public CamelConnector(Supplier<CamelContext> context, Secrets secrets) {
        this.context = context;
        this.secrets = secrets;
    }

    /**
     * Sends {@code shipment} to the destination as one message. Never throws for delivery failures: they come back
     * as a {@link Delivered} that is not ok, whose detail names the flow, the destination, its masked URI, what
     * failed and what to do.
     *
     * @param startChunk ignored: the file goes as one message, and sending it again is the same delivery (same
     *                   {@code CamelFileName} and idempotency key)
     * @return ok with {@code chunks} 1 when the endpoint took the message; target = the masked rendered URI
     */
    @Override
    public Delivered deliver(Shipment shipment, CamelSpec spec, int startChunk) {
        String rendered = new PathTemplate(spec.uri()).render(CamelMessages.values(shipment));
        String shown = CamelUris.shown(rendered);
        String label = "flow '" + shipment.flowId() + "' camel destination '" + spec.name() + "' (" + shown + ")";
        List<String> problems = CamelUris.problems(spec.uri());
        if (!problems.isEmpty()) {
            return failed(spec, shown, "cannot deliver to " + label + ": " + String.join("; ", problems));
        }
        try {
            return attempts(shipment, spec, rendered, shown, label);
        } catch (RuntimeException e) {
            // a fault of flow-export or of a component outside a send: reported like a failed send, never thrown
            return failed(spec, shown, "could not deliver to " + label + ": " + CamelErrors.explain(e)
                    + "; the delivery stays pending and is sent again at the next run");
        }
    }

    private Delivered attempts(Shipment shipment, CamelSpec spec, String rendered, String shown, String label) {
        Map<String, Object> headers = CamelMessages.headers(spec, shipment, CamelUris.scheme(rendered));
        for (int attempt = 1; ; attempt++) {
            if (shipment.aborted().getAsBoolean()) {
                return failed(spec, shown, "delivery to " + label + " stopped before attempt " + attempt
                        + ": the runner is stopping; the delivery stays pending and is sent again at the next run");
            }
            Failure f = sendOnce(rendered, headers, shipment);
            if (f == null) {
                return new Delivered(spec.name(), CamelSpec.TYPE, shown, true, 1, null, "sent " + headers.get(
                        CamelMessages.CAMEL_FILE_NAME) + " (" + headers.get(CamelMessages.CONTENT_TYPE) + ", "
                        + size(shipment) + " bytes) as one message in " + attempt + " attempt(s)", null);
            }
            if (!f.retryable() || attempt >= spec.maxAttempts()) {
                return failed(spec, shown, "could not deliver to " + label + (f.retryable() ? " after " + attempt
                        + " attempt(s)" : "") + ": " + f.what() + "; " + f.todo()
                        + "; the delivery stays pending and is sent again at the next run");
            }
            Duration wait = backoff(spec, attempt);
            LOG.warn("Attempt {} of {} to deliver to {} failed: {}; next attempt in {}", attempt, spec.maxAttempts(),
                    label, f.what(), Durations.format(wait));
            if (!Pause.pause(wait, shipment.aborted())) {
                return failed(spec, shown, "delivery to " + label + " stopped after attempt " + attempt + " ("
                        + f.what() + "): the runner is stopping; the delivery stays pending and is sent again at "
                        + "the next run");
            }
        }
    }

    /**
     * Tests the destination without sending data: the URI is well formed ({@link CamelUris#problems}), its
     * component is on the class path, its secret references resolve and the endpoint can be created with its
     * options. No connection is opened.
     *
     * @param sampleValues placeholder values to render the URI with
     * @return null when fine, else what is wrong and what to do (secrets masked)
     */
    @Override
    public String check(CamelSpec spec, Map<String, String> sampleValues) {
        String rendered = new PathTemplate(spec.uri()).render(sampleValues);
        String label = "camel destination '" + spec.name() + "' (" + CamelUris.shown(rendered) + ")";
        List<String> problems = CamelUris.problems(spec.uri());
        if (!problems.isEmpty()) {
            return label + ": " + String.join("; ", problems);
        }
        CamelContext ctx = context.get();
        String unknown = unknownComponent(ctx, CamelUris.scheme(rendered));
        if (unknown != null) {
            return label + ": " + unknown;
        }
        String resolved;
        try {
            resolved = CamelUris.resolve(rendered, secrets);
        } catch (Secrets.SecretException e) {
            return Secrets.redact(label + ": " + e.getMessage());
        }
        try (Made made = borrow(ctx, resolved)) {
            made.endpoint().createProducer();
            return null;
        } catch (Exception e) {
            return label + ": the endpoint cannot be created: " + CamelErrors.explain(e)
                    + "; check the option names and values against the component's documentation";
        }
    }

    /** One send: null when the endpoint took the message, else why not. */
    private Failure sendOnce(String rendered, Map<String, Object> headers, Shipment s) {
        CamelContext ctx = context.get();
        String unknown = unknownComponent(ctx, CamelUris.scheme(rendered));
        if (unknown != null) {
            return new Failure(unknown, "add the component's jar to lib/ or fix the uri", false);
        }
        String resolved;
        try {
            resolved = CamelUris.resolve(rendered, secrets);
        } catch (Secrets.SecretException e) {
            return new Failure(Secrets.redact(e.getMessage()), "set the secret, then run again", false);
        }
        Made made;
        try {
            made = borrow(ctx, resolved);
        } catch (RuntimeException e) {
            return new Failure("the endpoint cannot be created: " + CamelErrors.explain(e),
                    "check the option names and values against the component's documentation", false);
        }
        try (made; InputStream body = new BufferedInputStream(Files.newInputStream(s.file()), READ_BUFFER);
             ProducerTemplate template = ctx.createProducerTemplate(1)) {
            Exchange exchange = made.endpoint().createExchange(ExchangePattern.InOnly);
            exchange.getIn().setHeaders(new HashMap<>(headers));
            exchange.getIn().setBody(body);
            Exchange done = template.send(made.endpoint(), exchange);
            if (done.getException() != null) {
                return new Failure(CamelErrors.explain(done.getException()), CamelErrors.todo(done.getException()),
                        true);
            }
            return null;
        } catch (IOException e) {
            return new Failure("cannot read the staged file " + s.file() + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "check the work directory", false);
        } catch (RuntimeException e) {
            return new Failure(CamelErrors.explain(e), CamelErrors.todo(e), true);
        }
    }

    /** Null when the component is on the class path, else a sentence that lists those that are. */
    private static String unknownComponent(CamelContext ctx, String scheme) {
        if (ctx.hasComponent(scheme) != null) {
            return null;
        }
        try {
            if (ctx.getComponent(scheme, true) != null) {
                return null;
            }
        } catch (RuntimeException e) {
            return "the Camel component '" + scheme + "' cannot be created: " + CamelErrors.explain(e);
        }
        Set<String> known = CamelComponents.available(ctx.getApplicationContextClassLoader() != null
                ? ctx.getApplicationContextClassLoader() : CamelConnector.class.getClassLoader());
        return "no Camel component '" + scheme + "' on the class path; available: " + String.join(", ", known)
                + "; put the component's jar and its dependencies in lib/ and start the runner with -cp "
                + "\"flow-export.jar:lib/*\" (see docs/camel-destination.md)";
    }

    private static Duration backoff(CamelSpec spec, int attempt) {
        long cap = spec.maxBackoff().toNanos();
        long base = spec.initialBackoff().toNanos();
        for (int i = 1; i < attempt && base < cap; i++) {
            base *= 2;
        }
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofNanos((long) (Math.min(base, cap) * jitter));
    }

    private static long size(Shipment s) {
        try {
            return Files.size(s.file());
        } catch (IOException e) {
            return -1;
        }
    }

    private static Delivered failed(CamelSpec spec, String shown, String detail) {
        return new Delivered(spec.name(), CamelSpec.TYPE, shown, false, 0, null, Secrets.redact(detail), null);
    }

    /**
     * What went wrong in one send.
     *
     * @param what      the failure, masked
     * @param todo      what the operator should do
     * @param retryable true when another send may succeed (a network or server failure), false for configuration
     */
    private record Failure(String what, String todo, boolean retryable) {
    }

    /** The endpoint of one send, from {@link #borrow}; given back when closed. */
    private record Made(CamelConnector owner, CamelContext ctx, Endpoint endpoint, String uri)
            implements AutoCloseable {

        @Override
        public void close() {
            owner.giveBack(this);
        }
    }

    /**
     * The context's endpoint for a resolved URI. An endpoint that was in the context before (e.g. a {@code seda:}
     * endpoint an operator route consumes) is used as it is; one this connector made is counted, and removed when
     * the last send using it is done, so that concurrent deliveries to one URI share it and no connection and no
     * resolved secret outlives them. Endpoints go through the context's registry because in-memory components
     * ({@code seda}, {@code direct}) find their queues and consumers through it.
     */
    private Made borrow(CamelContext ctx, String uri) {
        synchronized (inUse) {
            boolean theirs = ctx.hasEndpoint(uri) != null && !inUse.containsKey(uri);
            Endpoint endpoint = ctx.getEndpoint(uri);
            if (endpoint == null) {
                throw new NoSuchEndpointException(CamelUris.shown(uri));
            }
            if (theirs) {
                return new Made(this, ctx, endpoint, null);
            }
            inUse.merge(uri, 1, Integer::sum);
            return new Made(this, ctx, endpoint, uri);
        }
    }

    /**
     * Removes an endpoint this connector made when no send uses it any more, and closes the objects its URI made with
     * {@code #class:} (e.g. a RabbitMQ connection factory), which nothing else owns.
     */
    private void giveBack(Made made) {
        if (made.uri() == null) {
            return;
        }
        synchronized (inUse) {
            if (inUse.merge(made.uri(), -1, Integer::sum) > 0) {
                return;
            }
            inUse.remove(made.uri());
            List<Object> beans = UriBeans.made(made.endpoint());
            try {
                made.ctx().removeEndpoint(made.endpoint());
            } catch (Exception e) {
                LOG.debug("Removing a camel destination's endpoint failed: {}", CamelErrors.explain(e));
            }
            beans.forEach(UriBeans::close);
        }
    }
}
