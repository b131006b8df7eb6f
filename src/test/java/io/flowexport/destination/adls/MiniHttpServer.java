package io.flowexport.destination.adls;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 for {@link DfsServer}: persistent connections, any method, request bodies
 * with {@code Content-Length} or chunked encoding, and response header names written exactly as given.
 *
 * <p>The last point is why this exists instead of {@code com.sun.net.httpserver.HttpServer}: that server rewrites
 * response header names ({@code x-ms-meta-rows} goes out as {@code X-ms-meta-rows}), and the Azure Blob SDK reads
 * metadata only from headers whose names start with the lower-case {@code x-ms-meta-}, so metadata would be lost.
 *
 * <p>Each connection is served by its own thread (a keep-alive connection held idle by the client's pool must not
 * starve others), so a handler that sleeps delays only its own connection.
 *
 * <p>Given an {@link SSLContext}, it speaks HTTPS instead (TLS on every connection, same HTTP/1.1 inside; no ALPN,
 * so clients stay on HTTP/1.1).
 */
final class MiniHttpServer implements AutoCloseable {

    /** One request. Header names are looked up without regard to case. */
    record Request(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

        /** The first value of a header, or null. */
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** One response; header names are sent as given. A HEAD response is sent without its body. */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    /** Answers requests; may block (its connection waits). */
    interface Handler {
        Response handle(Request request) throws InterruptedException;
    }

    private static final int MAX_LINE = 64 * 1024;

    private final Handler handler;
    private final boolean tls;
    private final ServerSocket serverSocket;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    MiniHttpServer(Handler handler, String threadName) {
        this(handler, threadName, null);
    }

    /**
     * @param tls the server's TLS context (its key manager holds the certificate), or null for plain HTTP
     */
    MiniHttpServer(Handler handler, String threadName, SSLContext tls) {
        this.handler = handler;
        this.tls = tls != null;
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, threadName + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.serverSocket = tls == null ? new ServerSocket()
                    : tls.getServerSocketFactory().createServerSocket();
            serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, threadName + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code https} with a TLS context, else {@code http}. */
    String scheme() {
        return tls ? "https" : "http";
    }

    /** Stops accepting, drops every open connection and interrupts handlers that are still running. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException | RejectedExecutionException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                String requestLine = readLine(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    continue;
                }
                String[] parts = requestLine.split(" ");
                if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                    writeSimple(out, 400, "Bad Request");
                    return;
                }
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        writeSimple(out, 400, "Bad Request");
                        return;
                    }
                    headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
                            .add(line.substring(colon + 1).trim());
                }
                if ("100-continue".equalsIgnoreCase(first(headers, "Expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
                byte[] body = readBody(in, headers);
                String target = parts[1];
                int question = target.indexOf('?');
                Request request = new Request(parts[0].toUpperCase(Locale.ROOT),
                        question < 0 ? target : target.substring(0, question),
                        question < 0 ? null : target.substring(question + 1),
                        Collections.unmodifiableMap(headers), body);
                Response response;
                try {
                    response = handler.handle(request);
                } catch (RuntimeException e) {
                    byte[] message = ("MiniHttpServer handler failed: " + e).getBytes(StandardCharsets.UTF_8);
                    write(out, false, new Response(500, List.of(Map.entry("Content-Type", "text/plain")), message),
                            false);
                    return;
                }
                boolean keepAlive = parts[2].equals("HTTP/1.1")
                        && !"close".equalsIgnoreCase(first(headers, "Connection"));
                write(out, request.method().equals("HEAD"), response, keepAlive);
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client closed the connection, or close() did
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    private static byte[] readBody(InputStream in, Map<String, List<String>> headers) throws IOException {
        String transferEncoding = first(headers, "Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                        // trailers are ignored
                    }
                    return body.toByteArray();
                }
                body.write(readExactly(in, size));
                readLine(in);
            }
        }
        String contentLength = first(headers, "Content-Length");
        if (contentLength == null) {
            return new byte[0];
        }
        return readExactly(in, Integer.parseInt(contentLength.trim()));
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("connection closed inside a request body");
        }
        return bytes;
    }

    private static void write(OutputStream out, boolean head, Response response, boolean keepAlive)
            throws IOException {
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reason(response.status())).append("\r\n");
        boolean lengthGiven = false;
        for (Map.Entry<String, String> header : response.headers()) {
            lengthGiven |= header.getKey().equalsIgnoreCase("Content-Length");
            text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        boolean bodyless = head || response.status() == 204 || response.status() == 304;
        if (!lengthGiven && response.status() != 204 && response.status() != 304) {
            text.append("Content-Length: ").append(response.body().length).append("\r\n");
        }
        if (!keepAlive) {
            text.append("Connection: close\r\n");
        }
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        if (!bodyless) {
            out.write(response.body());
        }
        out.flush();
    }

    private static void writeSimple(OutputStream out, int status, String reason) throws IOException {
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A line without its CRLF (or LF), null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            if (line.size() >= MAX_LINE) {
                throw new IOException("line too long");
            }
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 206 -> "Partial Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 416 -> "Range Not Satisfiable";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }
}
