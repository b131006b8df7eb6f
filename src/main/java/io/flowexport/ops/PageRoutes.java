package io.flowexport.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.support.DefaultHeaderFilterStrategy;

/**
 * The status page, on the same HTTP server as {@link ApiRoutes}: a page an operator leaves open, drawn in the
 * browser from the API ({@code GET /status}, {@code GET /flows/{id}/runs}, {@code POST /flows/{id}/run}).
 * <ul>
 *   <li>{@code GET /}: the page ({@code text/html});</li>
 *   <li>{@code GET /page/page.js}, {@code GET /page/page.css}: its script and style sheet.</li>
 * </ul>
 * These paths hold no data and need no token ({@link ApiAuth} lets {@code /} and {@code /page/...} through); the
 * page asks for the token when the API refuses a call, keeps it in the tab's {@code sessionStorage} and sends it
 * as {@code Authorization: Bearer <token>}.
 * Every file comes from the jar ({@value #ASSETS}), read once when the routes are configured; nothing is
 * fetched from elsewhere, and the Content-Security-Policy header forbids it. Answers carry
 * {@code Cache-Control: no-cache}, so a browser checks for a newer page after an upgrade. Route ids start with
 * {@code api-page}. README, "Status page", says what the page shows.
 */
public final class PageRoutes extends RouteBuilder {

    /** Where the page's files are on the class path. */
    public static final String ASSETS = "io/flowexport/ops/page/";

    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; "
            + "base-uri 'none'";

    @Override
    public void configure() {
        serve("/", "api-page", "index.html", "text/html; charset=utf-8");
        serve("/page/page.js", "api-page-js", "page.js", "text/javascript; charset=utf-8");
        serve("/page/page.css", "api-page-css", "page.css", "text/css; charset=utf-8");
    }

    private void serve(String path, String routeId, String file, String contentType) {
        String body = read(file);
        // platform-http's default strategy drops an outgoing Cache-Control header; this one drops Camel's own only
        DefaultHeaderFilterStrategy headers = new DefaultHeaderFilterStrategy();
        headers.setOutFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        headers.setInFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        PlatformHttpEndpoint endpoint = getContext().getEndpoint("platform-http:" + path + "?httpMethodRestrict=GET",
                PlatformHttpEndpoint.class);
        endpoint.setHeaderFilterStrategy(headers);
        from(endpoint).routeId(routeId)
                .process(e -> {
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
                    e.getMessage().setHeader("Cache-Control", "no-cache");
                    e.getMessage().setHeader("X-Content-Type-Options", "nosniff");
                    e.getMessage().setHeader("Content-Security-Policy", CSP);
                    e.getMessage().setBody(body);
                });
    }

    /**
     * A page file from the jar.
     *
     * @throws IllegalStateException when the jar lacks it (a broken build)
     */
    private static String read(String file) {
        try (InputStream in = PageRoutes.class.getClassLoader().getResourceAsStream(ASSETS + file)) {
            if (in == null) {
                throw new IllegalStateException("the status page's file " + ASSETS + file
                        + " is not in the jar; rebuild it with mvn package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status page's file " + ASSETS + file
                    + " from the jar", e);
        }
    }
}
