package io.flowexport.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpFallback} on a real platform-http server (Vert.x on a free loopback port): JSON 503 "starting" before
 * {@code started()}, Vert.x's own 404 and 405 after, and never in the way of a route.
 */
class HttpFallbackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private DefaultCamelContext context;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        VertxPlatformHttpServerConfiguration conf = new VertxPlatformHttpServerConfiguration();
        conf.setBindHost("127.0.0.1");
        conf.setBindPort(port);
        context = new DefaultCamelContext();
        context.addService(new VertxPlatformHttpServer(conf));
        context.start();
    }

    @AfterEach
    void stopServer() {
        context.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startingThenNotFoundInJsonAndRoutesUntouched() throws Exception {
        HttpFallback fallback = HttpFallback.install(context, port);

        HttpResponse<String> starting = get("/status");
        assertThat(starting.statusCode()).isEqualTo(503);
        assertThat(starting.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(starting.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(starting.body()).path("error").asText()).startsWith("the runner is starting");

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/status?httpMethodRestrict=GET").setBody(constant("{\"flows\": []}"));
            }
        });
        assertThat(get("/status").statusCode()).as("a route added while starting is served").isEqualTo(200);
        assertThat(get("/status").body()).isEqualTo("{\"flows\": []}");

        fallback.started();
        assertThat(get("/nope").statusCode()).as("after the start, Vert.x's own answer").isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/status")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("a known path asked with another method").isEqualTo(405);
        assertThat(get("/status").statusCode()).isEqualTo(200);
    }
}
