package io.flowexport.ops;

import io.flowexport.config.HttpToken;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token check in front of every path of the runner's HTTP server (the API, {@code /metrics}, and
 * operator routes on {@code platform-http}), but the open ones: the health probes ({@code /health/live},
 * {@code /health/ready}), which load balancers and Kubernetes call without credentials, and the status page's
 * own files ({@code /} and {@code /page/...}), which hold no data: the page asks for the token and sends it with
 * each API call.
 *
 * <p>It is a Vert.x handler on Camel's platform-http router, ordered before every route, so one check covers
 * every endpoint whoever added it. A request without the token, or with another one, gets 401 with
 * {@code WWW-Authenticate: Bearer realm="flow-export"} and a JSON {@code error}; the refusal is logged at WARN with
 * the method, path and client address, never with what the request sent.
 */
public final class ApiAuth {

    /** Paths answered without a token: the health probes and the status page's files. */
    public static final List<String> OPEN_PATHS = List.of("/health/live", "/health/ready", "/");
    /** Every path under it is answered without a token (the status page's scripts and styles). */
    public static final String OPEN_PREFIX = "/page/";

    private static final Logger LOG = LoggerFactory.getLogger(ApiAuth.class);

    private ApiAuth() {
    }

    /**
     * Puts the check in front of the HTTP server of {@code context} (camel-main's, started). Does nothing when
     * no token is set.
     *
     * @param port the server's port ({@code flowexport.http.port})
     *
     * @throws IllegalStateException when the context has no platform-http server
     */
    public static void install(CamelContext context, int port, HttpToken token) {
        if (!token.isSet()) {
            return;
        }
        router(context, port).route().order(Integer.MIN_VALUE).handler(ctx -> check(ctx, token));
    }

    /**
     * The router of the platform-http server of {@code context} on {@code port}.
     *
     * @throws IllegalStateException when the context has no platform-http server
     */
    static VertxPlatformHttpRouter router(CamelContext context, int port) {
        // camel-main names its server's router after the port; a server of one's own has the default name
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        if (router == null) {
            throw new IllegalStateException("no platform-http server in Camel context '" + context.getName()
                    + "' for flowexport.http.port " + port);
        }
        return router;
    }

    /** True for the paths answered without a token. */
    static boolean open(String path) {
        return path == null || OPEN_PATHS.contains(path) || path.startsWith(OPEN_PREFIX);
    }

    private static void check(RoutingContext ctx, HttpToken token) {
        HttpServerRequest req = ctx.request();
        String path = ctx.normalizedPath();
        if (open(path)) {
            ctx.next();
            return;
        }
        String authorization = req.getHeader("Authorization");
        if (token.accepts(authorization)) {
            ctx.next();
            return;
        }
        String why = authorization == null ? "no Authorization header" : "a wrong or malformed bearer token";
        LOG.warn("HTTP API: refused {} {} from {}: {}", req.method(), path,
                req.remoteAddress() == null ? "?" : req.remoteAddress().hostAddress(), why);
        ctx.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"flow-export\"")
                .putHeader("Content-Type", "application/json")
                .end("{\"error\": \"" + why + ": send the header 'Authorization: Bearer <token>' with the token "
                        + "of flowexport.http.token (FLOWEXPORT_HTTP_TOKEN)\"}\n");
    }
}
