package io.flowexport.ops;

import io.vertx.ext.web.Route;
import org.apache.camel.CamelContext;

/**
 * The runner's HTTP answer while it starts: {@code 503} {@code {"error": "the runner is starting ..."}} with
 * {@code Retry-After: 1}, in JSON like the API's, instead of Vert.x's HTML "Resource not found" page.
 *
 * <p>Camel's platform-http server listens from the moment the Camel context starts, and {@code run} adds the
 * probes, {@code /metrics}, the page and the API a moment later. In between, a probe reads the 503 as not ready
 * and {@code status} says the runner is starting. It is a route on the server's router ordered after every other,
 * so a route added meanwhile is served at once; {@link #started()} removes it, and from then on the server
 * answers as Vert.x does (404 for an unknown path, 405 for a known path asked with another method).
 */
public final class HttpFallback {

    private final Route route;

    private HttpFallback(Route route) {
        this.route = route;
    }

    /**
     * Installs the "starting" answer on the HTTP server of {@code context} (camel-main's, started), until
     * {@link #started()}.
     *
     * @param port the server's port ({@code flowexport.http.port})
     * @return the handle whose {@link #started()} ends the "starting" answers
     * @throws IllegalStateException when the context has no platform-http server
     */
    public static HttpFallback install(CamelContext context, int port) {
        Route route = ApiAuth.router(context, port).route().order(Integer.MAX_VALUE);
        route.handler(ctx -> ctx.response().setStatusCode(503).putHeader("Retry-After", "1")
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache")
                .end("{\"error\": \"the runner is starting: its API, health probes and page answer in a moment\"}\n"));
        return new HttpFallback(route);
    }

    /** Every route of the runner is added: removes the "starting" answer. */
    public void started() {
        route.remove();
    }
}
