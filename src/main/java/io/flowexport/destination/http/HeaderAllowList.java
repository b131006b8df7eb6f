package io.flowexport.destination.http;

import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Decides which message headers become HTTP request headers: exactly the names the call listed in the exchange
 * property {@link #PROPERTY}, nothing else. Camel's control headers ({@code CamelHttpMethod}, {@code CamelHttpUri}),
 * a breadcrumb id or any header a future Camel version adds stay out, because they are not on the list.
 *
 * <p>Response headers come in except Camel-looking ones, so a server cannot set control headers.
 */
final class HeaderAllowList implements HeaderFilterStrategy {

    /** Exchange property: the {@code Set<String>} (case-insensitive) of header names to send. */
    static final String PROPERTY = "flowexport.http.requestHeaders";

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        Set<?> allowed = exchange.getProperty(PROPERTY, Set.class);
        return allowed == null || !allowed.contains(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        String lower = headerName.toLowerCase(Locale.ROOT);
        return lower.startsWith("camel") || lower.startsWith("org.apache.camel");
    }
}
