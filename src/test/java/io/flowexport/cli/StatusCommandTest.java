package io.flowexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code status} against answers that are not a status: a runner still starting (503 with its JSON error), and a
 * server that is not a runner (HTML), on a real HTTP server on a loopback port. The status itself: OperationsIT,
 * HotReloadIT.
 */
class StatusCommandTest {

    private HttpServer server;

    private record Outcome(int code, String out, String err) {
    }

    private String serve(int status, String contentType, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static Outcome status(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "status";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void aStartingRunnerSaysSo() throws Exception {
        String url = serve(503, "application/json",
                "{\"error\": \"the runner is starting: its API, health probes and page answer in a moment\"}\n");
        Outcome o = status("--url", url);
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.out()).isEmpty();
        assertThat(o.err().strip()).isEqualTo("the runner is starting: its API, health probes and page answer in a "
                + "moment");
    }

    @Test
    void somethingElseThanARunnerIsNamedWithoutAParseError() throws Exception {
        String url = serve(404, "text/html", "<html><body><h1>Resource not found</h1></body></html>");
        Outcome o = status("--url", url);
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).isEqualTo("what answers at " + url + " is not a flow-export runner's API: GET "
                + "/status gave HTTP 404 without a JSON object; check --url or flowexport.http.host / "
                + "flowexport.http.port");
        assertThat(o.err()).doesNotContain("Unrecognized token").doesNotContain("Exception");
    }
}
