package io.flowexport.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver (the JDK's {@code com.sun.net.httpserver}) that records every request whose body arrived
 * whole (as many bytes as its {@code Content-Length}, or a complete chunked body) and acknowledges it with 200. A
 * request cut off by a killed sender is not recorded: the destination never accepted it.
 */
final class RecordingHttpServer implements AutoCloseable {

    /**
     * One accepted request.
     *
     * @param path    the request path, e.g. {@code /jsonl/42}
     * @param headers {@code Idempotency-Key}, {@code Content-Type} and every {@code X-FlowExport-*} header, names
     *                in lower case
     * @param body    the body's bytes
     */
    record Received(String method, String path, Map<String, String> headers, byte[] body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String idempotencyKey() {
            return header("Idempotency-Key");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Received> received = new ArrayList<>();
    private int cutOff;

    RecordingHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The accepted requests so far, in arrival order. */
    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The accepted requests whose path starts with {@code prefix}. */
    synchronized List<Received> received(String prefix) {
        return received.stream().filter(r -> r.path().startsWith(prefix)).toList();
    }

    /** Requests whose body did not arrive whole (the sender died while sending). */
    synchronized int cutOff() {
        return cutOff;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            } catch (IOException e) {
                countCutOff();
                return;
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null && Long.parseLong(length.trim()) != body.length) {
                countCutOff();
                return;
            }
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((name, values) -> {
                String n = name.toLowerCase(Locale.ROOT);
                if (n.equals("idempotency-key") || n.equals("content-type") || n.startsWith("x-flowexport-")) {
                    headers.put(n, values.get(0));
                }
            });
            synchronized (this) {
                received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body));
            }
            ex.sendResponseHeaders(200, -1);
        }
    }

    private synchronized void countCutOff() {
        cutOff++;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
