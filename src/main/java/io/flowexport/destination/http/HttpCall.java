package io.flowexport.destination.http;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpMethods;
import org.apache.hc.core5.http.HttpEntity;

/**
 * One HTTP request through a camel-http producer.
 *
 * <p>An endpoint stands for a connection pool with fixed options: scheme, host and port of the URL, the timeouts,
 * the trust store. The exact URL and method travel in the control headers {@code CamelHttpUri} and
 * {@code CamelHttpMethod} of each exchange, and the endpoint has no path or query of its own, so there is one place
 * each comes from. This keeps the URL byte for byte (Camel would re-order and re-encode a query that is part of an
 * endpoint URI) and keeps one endpoint per destination when the URL changes per run.
 *
 * <p>Each request is a fresh exchange: response headers of one request cannot reach the next. Which message
 * headers become request headers is decided by {@link HeaderAllowList}: exactly the ones passed in.
 */
final class HttpCall {

    private static final String POLICY_BEAN = "flowexportHttpClientPolicy";
    private static final String FILTER_BEAN = "flowexportHttpHeaderAllowList";

    private final CamelContext context;
    private final ProducerTemplate template;

    HttpCall(CamelContext context, ProducerTemplate template) {
        this.context = context;
        this.template = template;
        context.getRegistry().bind(POLICY_BEAN, new ClientPolicy());
        context.getRegistry().bind(FILTER_BEAN, new HeaderAllowList());
    }

    /**
     * The endpoint for these settings, created on first use and then shared through the context's registry.
     *
     * @throws SetupException when the trust store is unusable or Camel rejects the endpoint
     */
    Endpoint endpoint(HttpSettings settings) throws SetupException {
        URI url = URI.create(settings.url());
        StringBuilder uri = new StringBuilder(url.getScheme().toLowerCase(Locale.ROOT)).append("://")
                .append(url.getRawAuthority())
                .append("?throwExceptionOnFailure=false&followRedirects=false&copyHeaders=false")
                .append("&connectTimeout=").append(settings.connectTimeout().toMillis())
                .append("&connectionRequestTimeout=").append(settings.connectTimeout().toMillis())
                .append("&responseTimeout=").append(settings.readTimeout().toMillis())
                .append("&soTimeout=").append(settings.readTimeout().toMillis())
                .append("&httpClientConfigurer=#").append(POLICY_BEAN)
                .append("&headerFilterStrategy=#").append(FILTER_BEAN);
        if (settings.secure() && settings.trustStore() != null) {
            uri.append("&sslContextParameters=#")
                    .append(TrustStores.bind(context, settings.trustStore(), settings.trustStorePassword()));
        }
        try {
            return context.getEndpoint(uri.toString());
        } catch (RuntimeException e) {
            throw new SetupException("cannot create the HTTP endpoint for " + settings.url() + " (" + rootMessage(e)
                    + ")");
        }
    }

    /**
     * Sends one request and waits for its response.
     *
     * @param headers request headers, sent exactly as given (Content-Type comes from the body)
     * @param body    the request body with its content type, or null (HEAD)
     * @return the response or the failure; never throws
     */
    Reply execute(Endpoint endpoint, String method, String url, Map<String, String> headers, HttpEntity body) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(headers.keySet());
        Exchange exchange;
        try {
            exchange = template.send(endpoint, e -> {
                e.setProperty(HeaderAllowList.PROPERTY, names);
                // the body is read raw and capped (ClientPolicy): gunzipping a cut stream would fail
                e.setProperty(Exchange.SKIP_GZIP_ENCODING, Boolean.TRUE);
                Message in = e.getIn();
                in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
                in.setHeader(Exchange.HTTP_URI, url);
                headers.forEach(in::setHeader);
                in.setBody(body);
            });
        } catch (RuntimeException e) {
            return Reply.failure(e);
        }
        if (exchange.getException() != null) {
            return Reply.failure(exchange.getException());
        }
        Message out = exchange.getMessage();
        Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            return Reply.failure(new IllegalStateException("camel-http returned no status code"));
        }
        return Reply.response(status, out.getHeader(Exchange.HTTP_RESPONSE_TEXT, String.class),
                out.getHeader("Retry-After", String.class), out.getHeader("Location", String.class),
                out.getBody(byte[].class));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
