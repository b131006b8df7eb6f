package io.flowexport.destination.http;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpResponseInterceptor;

/**
 * Turns off what Apache HttpClient 5 does on its own, so that every request is one the delivery decided on and
 * counted, and caps what is read of a response body.
 */
final class ClientPolicy implements HttpClientConfigurer {

    /** Bytes of a response body that are read: the excerpt a failed delivery reports. */
    static final int BODY_LIMIT = 1024;

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder
                // HttpClient would re-send idempotent requests (PUT) on I/O errors and on 429/503 itself: retries are
                // the delivery's, counted, logged and bounded by the total timeout
                .disableAutomaticRetries()
                // a POST must never land elsewhere silently; a redirect is reported instead
                .disableRedirectHandling()
                // a Set-Cookie in one response must not ride on the next request
                .disableCookieManagement()
                // no Accept-Encoding: response bodies are read raw and only their first bytes
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent("flow-export")
                .addResponseInterceptorLast(capBody());
    }

    /**
     * Replaces a response entity by one that ends after {@link #BODY_LIMIT} bytes. When the body may be longer, the
     * response is marked {@code Connection: close} before HttpClient decides on reuse, so the rest is never read
     * (a 1 GB error page costs nothing) and the connection is dropped instead of drained.
     */
    private static HttpResponseInterceptor capBody() {
        return (response, details, context) -> {
            if (response instanceof ClassicHttpResponse classic && classic.getEntity() != null) {
                HttpEntity entity = classic.getEntity();
                long length = entity.getContentLength();
                boolean bounded = length >= 0 && length <= BODY_LIMIT;
                if (!bounded) {
                    classic.setHeader(HttpHeaders.CONNECTION, "close");
                }
                classic.setEntity(new CappedEntity(entity, BODY_LIMIT, bounded));
            }
        };
    }
}
