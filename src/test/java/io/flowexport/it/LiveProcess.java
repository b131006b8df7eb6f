package io.flowexport.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged runner's {@code run} command in a child JVM, driven through its files and its HTTP API: what an
 * operator does. Output goes to a log file the test can read.
 */
final class LiveProcess implements AutoCloseable {


    private static final ObjectMapper JSON = new ObjectMapper();

    final Harness h;
    final Path routes;
    final Path log;
    final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The {@code Authorization} header the runner asks for ({@code flowexport.http.token}), or null. */
    final String authorization;

    private LiveProcess(Harness h, Path routes, Path log, int port, Process process, String authorization) {
        this.authorization = authorization;
        this.h = h;
        this.routes = routes;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts {@code java -jar target/flow-export.jar run} on the harness's flows, a {@code routes} directory
     * beside them and a free port, and waits until the HTTP API answers (200, or 401 when a token is set).
     *
     * @param sysProps extra {@code -D} settings, e.g. {@code flowexport.shutdown.grace=1s}
     */
    static LiveProcess start(Harness h, String... sysProps) throws IOException {
        return start(h, java.util.Map.of(), sysProps);
    }

    /**
     * As {@link #start(Harness, String...)}, with {@code env} added to the runner's environment (e.g. the variables
     * its secret references name).
     */
    static LiveProcess start(Harness h, java.util.Map<String, String> env, String... sysProps) throws IOException {
        Path routes = Files.createDirectories(h.dir.resolve("routes"));
        Path log = h.dir.resolve("run-" + System.nanoTime() + ".log");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Dflowexport.http.port=" + port));
        for (String p : sysProps) {
            jvm.add("-D" + p);
        }
        List<String> cmd = PackagedJar.command(jvm);
        cmd.addAll(List.of("run", "--flows", h.flows.toString(), "--routes", routes.toString(), "--destinations",
                h.dir.resolve("destinations").toString(), "--config", h.config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        // a token set for the runner is sent with every request of the test's, as an operator's client would
        String token = env.get("FLOWEXPORT_HTTP_TOKEN");
        for (String sp : sysProps) {
            if (sp.startsWith("flowexport.http.token=")) {
                token = sp.substring("flowexport.http.token=".length());
            }
        }
        LiveProcess live = new LiveProcess(h, routes, log, port, p, token == null ? null : "Bearer " + token);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> live.get("/status").statusCode() == 200);
        return live;
    }

    /** GET on the runner's HTTP server. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the runner exited; log:\n" + log());
        }
        return send(request(path).GET());
    }

    /** A request to the runner's HTTP server, with the token when the runner has one. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    /** Sends {@code request} as it is (no token added). */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST with an empty body. */
    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Runs a flow through the API and waits for the end of the run; returns the run event. */
    JsonNode runAndWait(String flowId) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/flows/" + flowId + "/run?wait=true");
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() == 404) {
            throw new IllegalStateException(n.path("error").asText());
        }
        return n;
    }

    /** GET /status as JSON. */
    JsonNode status() throws IOException, InterruptedException {
        return JSON.readTree(get("/status").body());
    }

    /** The status entry of the flow file named {@code fileName}, if the runner knows it. */
    Optional<JsonNode> flowFile(String fileName) throws IOException, InterruptedException {
        return entry("flows", fileName);
    }

    /** The status entry of the operator route file named {@code fileName}, if the runner knows it. */
    Optional<JsonNode> routeFile(String fileName) throws IOException, InterruptedException {
        return entry("routes", fileName);
    }

    /** Waits until the flow file's status entry satisfies {@code condition}; returns that entry. */
    JsonNode awaitFlowFile(String fileName, Predicate<JsonNode> condition) {
        return awaitEntry("flows", fileName, condition);
    }

    /** Waits until the route file's status entry satisfies {@code condition}; returns that entry. */
    JsonNode awaitRouteFile(String fileName, Predicate<JsonNode> condition) {
        return awaitEntry("routes", fileName, condition);
    }

    private Optional<JsonNode> entry(String section, String fileName) throws IOException, InterruptedException {
        for (JsonNode f : status().path(section)) {
            if (Path.of(f.path("file").asText()).getFileName().toString().equals(fileName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private JsonNode awaitEntry(String section, String fileName, Predicate<JsonNode> condition) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen[0] = entry(section, fileName).orElse(null);
            return seen[0] != null && condition.test(seen[0]);
        });
        return seen[0];
    }

    /** Everything the runner printed so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends SIGTERM and waits for the process to end; returns its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the runner did not stop within 90 s of SIGTERM");
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the runner if it still runs and keeps its log under {@code target/it-logs/} for a failed build. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        Path keep = Files.createDirectories(Path.of("target", "it-logs"));
        Files.copy(log, keep.resolve(h.dir.getFileName() + "-" + log.getFileName()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
