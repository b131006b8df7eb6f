package io.flowexport.destination.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.flowexport.destination.http.HttpSettings.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * {@link HttpDelivery} against a real WireMock server (HTTP and HTTPS on random ports): bodies, batches, headers,
 * retries, Retry-After, faults, timeouts, resume, idempotency keys, abort, check and TLS trust.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpDeliveryIT {

    /** Sent byte for byte: Camel must not re-order, decode or re-encode the query. */
    private static final String PATH = "/ingest/orders?source=flow-export&day=2026-11-21&tag=a%2Bb+c&a=1";
    private static final String LABEL = "flow 'orders' destination 'ingest'";
    private static final String BASE = "orders/run-42/ingest";
    private static final String TOKEN = "tok-4f1c9a77e2b84d05";
    private static final String STORE_PASSWORD = "store-pass-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    static WireMockServer wm;
    static DefaultCamelContext camel;
    static HttpDelivery delivery;
    /** The certificate the HTTPS port presents: self-signed, issued for {@code localhost} only. */
    static Certificate serverCertificate;

    private ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() throws Exception {
        // WireMock's bundled certificate names no host (CN=Tom Akehurst, no subject alternative names), so no client
        // that checks host names can accept it even when trusting it: the HTTPS port gets one made for localhost
        Path serverStore = keys.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                "-keystore", serverStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            server.load(in, STORE_PASSWORD.toCharArray());
        }
        serverCertificate = server.getCertificate("server");

        wm = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort()
                .keystorePath(serverStore.toString()).keystoreType("PKCS12")
                .keystorePassword(STORE_PASSWORD).keyManagerPassword(STORE_PASSWORD));
        wm.start();
        camel = new DefaultCamelContext();
        // a breadcrumb id is a header Camel adds to exchanges; it must not reach the server
        camel.setUseBreadcrumb(true);
        camel.start();
        delivery = new HttpDelivery(camel);
    }

    @AfterAll
    static void stop() {
        delivery.close();
        camel.stop();
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.flowexport.destination")).addAppender(logs);
    }

    @AfterEach
    void detachLogs() {
        ((Logger) LoggerFactory.getLogger("io.flowexport.destination")).detachAppender(logs);
    }

    // ---------------------------------------------------------------- bodies

    @ParameterizedTest
    @EnumSource(BodyFormat.class)
    void wholeFileIsTheBodyWithTheFormatsContentType(BodyFormat format) throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Path file = write("export." + format.name().toLowerCase(), bytes);
        stubOk();

        DeliveryOutcome outcome = delivery.send(settings().build(), request(file, format).build());

        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 1, 1, 200, null, null));
        LoggedRequest r = single();
        assertThat(r.getBody()).isEqualTo(bytes);
        assertThat(r.getHeader("Content-Type")).isEqualTo(format.contentType());
        assertThat(r.getHeader("Content-Length")).isEqualTo("300000");
        assertThat(r.getUrl()).isEqualTo(PATH);
        assertThat(r.getHeader("Idempotency-Key")).isEqualTo(sha256Prefix(BASE + ":0"));
    }

    @Test
    void jsonLinesGoInBatchesOfLines() throws Exception {
        // a byte order mark, CRLF line ends and a blank line: none of them is part of a record
        String text = "\uFEFF" + IntStream.rangeClosed(1, 7).mapToObj(i -> "{\"id\":" + i + ",\"name\":\"é" + i + "\"}")
                .collect(Collectors.joining("\r\n", "", "\r\n\r\n"));
        Path file = write("export.jsonl", text.getBytes(StandardCharsets.UTF_8));
        stubOk();

        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(file, BodyFormat.JSONL).build());

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.chunksAcknowledged()).isEqualTo(3);
        assertThat(outcome.requests()).isEqualTo(3);
        List<LoggedRequest> requests = received();
        assertThat(requests).extracting(r -> r.getHeader("Content-Type")).containsOnly("application/x-ndjson");
        assertThat(requests).extracting(LoggedRequest::getBodyAsString).allMatch(b -> b.endsWith("}\n"));
        assertThat(requests).extracting(r -> ids(r.getBodyAsString().lines().map(HttpDeliveryIT::parse).toList()))
                .containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
        assertThat(requests.get(0).getBodyAsString()).isEqualTo("{\"id\":1,\"name\":\"é1\"}\n"
                + "{\"id\":2,\"name\":\"é2\"}\n{\"id\":3,\"name\":\"é3\"}\n");
        assertThat(requests).extracting(r -> r.getHeader("Idempotency-Key"))
                .containsExactly(sha256Prefix(BASE + ":0"), sha256Prefix(BASE + ":1"), sha256Prefix(BASE + ":2"));
    }

    @Test
    void jsonArrayGoesInBatchesOfCompactArrays() throws Exception {
        StringBuilder text = new StringBuilder("[\n");
        for (int i = 1; i <= 7; i++) {
            text.append("  {\n    \"id\": ").append(i).append(",\n    \"total\": 12345678901234567.10,\n")
                    .append("    \"tags\": [\"a\", {\"deep\": null}],\n    \"note\": \"line\\nbreak ü\"\n  }")
                    .append(i < 7 ? ",\n" : "\n");
        }
        Path file = write("export.json", text.append("]\n").toString().getBytes(StandardCharsets.UTF_8));
        stubOk();

        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(file, BodyFormat.JSON).build());

        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.requests()).isEqualTo(3);
        List<LoggedRequest> requests = received();
        assertThat(requests).extracting(r -> r.getHeader("Content-Type")).containsOnly("application/json");
        List<JsonNode> bodies = requests.stream().map(r -> parse(r.getBodyAsString())).toList();
        assertThat(bodies).allMatch(JsonNode::isArray);
        assertThat(bodies).extracting(b -> ids(b)).containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7));
        JsonNode expected = parse(text.toString());
        assertThat(bodies.get(2).get(0)).isEqualTo(expected.get(6));
        // compact, and the decimal keeps its exact text
        assertThat(requests.get(2).getBodyAsString()).isEqualTo("[{\"id\":7,\"total\":12345678901234567.10,"
                + "\"tags\":[\"a\",{\"deep\":null}],\"note\":\"line\\nbreak ü\"}]");
    }

    @Test
    void anEmptyExportSendsNothingInBatchesAndTheFileWhole() throws Exception {
        stubOk();
        DeliveryOutcome batches = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(write("empty.json", "[]".getBytes(StandardCharsets.UTF_8)), BodyFormat.JSON).build());
        DeliveryOutcome lines = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(write("empty.jsonl", new byte[0]), BodyFormat.JSONL).build());
        assertThat(batches).isEqualTo(new DeliveryOutcome(true, 0, 0, 0, null, null, null));
        assertThat(lines).isEqualTo(new DeliveryOutcome(true, 0, 0, 0, null, null, null));
        assertThat(received()).isEmpty();

        DeliveryOutcome whole = delivery.send(settings().build(),
                request(write("header-only.csv", "id,name\n".getBytes(StandardCharsets.UTF_8)), BodyFormat.CSV)
                        .build());
        assertThat(whole.ok()).isTrue();
        assertThat(single().getBodyAsString()).isEqualTo("id,name\n");
    }

    @Test
    void batchesOfCsvAreRefusedWithoutARequest() throws Exception {
        stubOk();
        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(write("export.csv", "id\n1\n".getBytes(StandardCharsets.UTF_8)), BodyFormat.CSV).build());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isZero();
        assertThat(outcome.error()).contains("BATCHES", "CSV", "WHOLE", LABEL);
        assertThat(received()).isEmpty();
    }

    // ---------------------------------------------------------------- headers

    @Test
    void requestsCarryExactlyTheIntendedHeadersAndNothingFromEarlierResponses() throws Exception {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Set-Cookie", "session=abc; Path=/").withHeader("X-Leak", "from-response")
                .withHeader("CamelHttpUri", "http://elsewhere.example/")));
        Path file = write("export.jsonl", "{\"id\":1}\n{\"id\":2}\n".getBytes(StandardCharsets.UTF_8));

        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).batchSize(1)
                .headers(Map.of("X-Tenant", "acme")).build(), request(file, BodyFormat.JSONL).build());

        assertThat(outcome.ok()).isTrue();
        List<LoggedRequest> requests = received();
        assertThat(requests).hasSize(2);
        for (LoggedRequest r : requests) {
            // Host, Content-Length, Connection and User-Agent come from HttpClient; no Accept-Encoding, no Cookie
            assertThat(headerNames(r)).containsExactlyInAnyOrder("Host", "Content-Length", "Connection",
                    "Content-Type", "User-Agent", "Idempotency-Key", "X-FlowExport-Flow", "X-FlowExport-Run",
                    "X-FlowExport-Batch-Range", "X-Tenant");
            assertThat(r.getHeader("X-FlowExport-Flow")).isEqualTo("orders");
            assertThat(r.getHeader("X-FlowExport-Run")).isEqualTo("run-42");
            assertThat(r.getHeader("X-FlowExport-Batch-Range")).isEqualTo("1-2");
            assertThat(r.getHeader("X-Tenant")).isEqualTo("acme");
            assertThat(r.getHeader("User-Agent")).isEqualTo("flow-export");
            assertThat(r.getHeader("Connection")).isEqualTo("keep-alive");
            assertThat(r.getUrl()).isEqualTo(PATH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer", "basic", "apikey"})
    void authHeaders(String kind) throws Exception {
        Auth auth = switch (kind) {
            case "bearer" -> new Auth.Bearer(TOKEN);
            case "basic" -> new Auth.Basic("alice", "pä:ss");
            default -> new Auth.ApiKey("X-Api-Key", TOKEN);
        };
        stubOk();
        delivery.send(settings().auth(auth).build(), request(write("e.csv", new byte[] {'x'}), BodyFormat.CSV)
                .build());
        LoggedRequest r = single();
        switch (kind) {
            case "bearer" -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            case "basic" -> assertThat(r.getHeader("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("alice:pä:ss".getBytes(StandardCharsets.UTF_8)));
            default -> {
                assertThat(r.getHeader("X-Api-Key")).isEqualTo(TOKEN);
                assertThat(r.containsHeader("Authorization")).isFalse();
            }
        }
    }

    // ---------------------------------------------------------------- retries

    @Test
    void a503IsRetriedWithTheSameIdempotencyKey() throws Exception {
        stubSequence(aResponse().withStatus(503), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().auth(new Auth.Bearer(TOKEN)).build(), csvRequest());

        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 2, 2, 200, null, null));
        assertThat(received()).extracting(r -> r.getHeader("Idempotency-Key"))
                .containsExactly(sha256Prefix(BASE + ":0"), sha256Prefix(BASE + ":0"));
        assertThat(logs.list).hasSize(1);
        ILoggingEvent warn = logs.list.get(0);
        assertThat(warn.getLevel()).isEqualTo(Level.WARN);
        assertThat(warn.getFormattedMessage()).contains(LABEL, "the file (chunk 0)", "attempt 1/3",
                "HTTP 503 Service Unavailable", "retrying in", "(backoff)").doesNotContain(TOKEN);
    }

    @Test
    void retryAfterInSecondsIsHonoured() throws Exception {
        stubSequence(aResponse().withStatus(429).withHeader("Retry-After", "2"), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());

        assertThat(outcome.ok()).isTrue();
        List<LoggedRequest> requests = received();
        assertThat(requests).hasSize(2);
        assertThat(gap(requests.get(0), requests.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("HTTP 429", "retrying in 2 s (Retry-After)");
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() throws Exception {
        Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
        stubSequence(aResponse().withStatus(503).withHeader("Retry-After", date), aResponse().withStatus(200));

        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());

        assertThat(outcome.ok()).isTrue();
        List<LoggedRequest> requests = received();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getLoggedDate().toInstant()).isAfterOrEqualTo(at);
    }

    @Test
    void aConnectionResetIsRetried() throws Exception {
        stubSequence(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());
        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 2, 2, 200, null, null));
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("attempt 1/3", "Exception");
    }

    @Test
    void anEmptyResponseIsRetried() throws Exception {
        stubSequence(aResponse().withFault(Fault.EMPTY_RESPONSE), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());
        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 2, 2, 200, null, null));
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("empty response", "NoHttpResponseException");
    }

    @Test
    void aResponseSlowerThanTheReadTimeoutIsRetried() throws Exception {
        stubSequence(aResponse().withStatus(200).withFixedDelay(3_000), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().readTimeout(Duration.ofMillis(500)).build(), csvRequest());
        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 2, 2, 200, null, null));
        assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("no response within readTimeout", "SocketTimeoutException");
    }

    @Test
    void a400IsNotRetriedAndItsBodyIsCutAt1KiB() throws Exception {
        String body = IntStream.range(0, 5 * 1024).mapToObj(i -> String.valueOf((char) ('a' + i % 26)))
                .collect(Collectors.joining());
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400).withBody(body)));

        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());

        assertThat(received()).hasSize(1);
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isEqualTo(1);
        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(outcome.lastStatus()).isEqualTo(400);
        assertThat(outcome.bodyExcerpt()).isEqualTo(body.substring(0, 1024));
        assertThat(outcome.chunksAcknowledged()).isZero();
        assertThat(outcome.error()).startsWith("HTTP 400 on the file (chunk 0) of " + LABEL + " after 1 attempt "
                + "(last: Bad Request): not retried");
        assertThat(logs.list).isEmpty();
    }

    @Test
    void aRedirectIsReportedNotFollowed() throws Exception {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://localhost:" + wm.port() + "/elsewhere")));
        wm.stubFor(post(urlEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200)));

        DeliveryOutcome outcome = delivery.send(settings().build(), csvRequest());

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.lastStatus()).isEqualTo(307);
        assertThat(outcome.error()).contains("redirects are not followed",
                "(Location: http://localhost:" + wm.port() + "/elsewhere)");
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/elsewhere")))).isEmpty();
        assertThat(received()).hasSize(1);
    }

    @Test
    void refusedCredentialsAreNotRetriedAndTheTokenIsNeverRepeated() throws Exception {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"ingest\"")
                .withBody("invalid token " + TOKEN)));

        DeliveryOutcome outcome = delivery.send(settings().auth(new Auth.Bearer(TOKEN)).build(), csvRequest());

        assertThat(received()).hasSize(1);
        assertThat(outcome.lastStatus()).isEqualTo(401);
        assertThat(outcome.error()).contains("bearer token", "check the token").doesNotContain(TOKEN);
        assertThat(outcome.bodyExcerpt()).isEqualTo("invalid token ***");
    }

    @Test
    void aPutIsNotRetriedBehindTheDeliverysBack() throws Exception {
        // HttpClient 5 on its own re-sends idempotent requests (PUT) once on 503
        wm.stubFor(put(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
        DeliveryOutcome outcome = delivery.send(settings().method("put").maxAttempts(1).build(), csvRequest());
        assertThat(outcome.ok()).isFalse();
        assertThat(wm.findAll(putRequestedFor(urlEqualTo(PATH)))).hasSize(1);
    }

    @Test
    void exhaustedAttemptsNameTheChunkAndTheAttempts() throws Exception {
        stubOk();
        wm.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing("\"id\":4")).willReturn(aResponse()
                .withStatus(500).withStatusMessage("Internal Server Error").withBody("{\"error\":\"db down\"}")));
        Path file = write("export.jsonl", jsonLines(7));

        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(file, BodyFormat.JSONL).build());

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.chunksAcknowledged()).isEqualTo(1);
        assertThat(outcome.requests()).isEqualTo(4);
        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(outcome.lastStatus()).isEqualTo(500);
        assertThat(outcome.bodyExcerpt()).isEqualTo("{\"error\":\"db down\"}");
        assertThat(outcome.error()).isEqualTo("HTTP 500 on chunk 1 (records 4-6) of " + LABEL
                + " after 3 attempts (last: Internal Server Error)");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .allMatch(m -> m.contains("chunk 1 (records 4-6)")).hasSize(2);
    }

    @Test
    void aRetryAfterBeyondTheTotalTimeoutStopsAtOnce() throws Exception {
        stubSequence(aResponse().withStatus(503).withHeader("Retry-After", "3600"), aResponse().withStatus(200));
        DeliveryOutcome outcome = delivery.send(settings().totalTimeout(Duration.ofSeconds(20)).build(),
                csvRequest());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isEqualTo(1);
        assertThat(outcome.error()).contains("1 h (Retry-After) would pass totalTimeout (20 s)");
    }

    // ---------------------------------------------------------------- resume, re-runs, abort

    @Test
    void aResumedDeliverySkipsAcknowledgedChunks() throws Exception {
        stubOk();
        Path file = write("export.jsonl", jsonLines(7));
        DeliveryOutcome outcome = delivery.send(settings().mode(Mode.BATCHES).build(),
                request(file, BodyFormat.JSONL).startChunk(2).build());

        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 3, 1, 1, 200, null, null));
        LoggedRequest r = single();
        assertThat(r.getBodyAsString()).isEqualTo("{\"id\":7}\n");
        assertThat(r.getHeader("Idempotency-Key")).isEqualTo(sha256Prefix(BASE + ":2"));
    }

    @Test
    void aReRunSendsTheSameIdempotencyKeys() throws Exception {
        stubOk();
        Path file = write("export.json", ("[" + IntStream.rangeClosed(1, 4).mapToObj(i -> "{\"id\":" + i + "}")
                .collect(Collectors.joining(",")) + "]").getBytes(StandardCharsets.UTF_8));
        HttpSettings settings = settings().mode(Mode.BATCHES).batchSize(2).build();

        delivery.send(settings, request(file, BodyFormat.JSON).build());
        List<String> first = received().stream().map(r -> r.getHeader("Idempotency-Key")).toList();
        wm.resetRequests();
        delivery.send(settings, request(file, BodyFormat.JSON).build());
        List<String> second = received().stream().map(r -> r.getHeader("Idempotency-Key")).toList();

        assertThat(first).containsExactly(sha256Prefix(BASE + ":0"), sha256Prefix(BASE + ":1"));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void anAbortDuringARetryAfterWaitStopsPromptly() throws Exception {
        stubSequence(aResponse().withStatus(429).withHeader("Retry-After", "20"), aResponse().withStatus(200));
        AtomicBoolean abort = new AtomicBoolean();

        DeliveryRequest request = request(csvFile(), BodyFormat.CSV).aborted(abort::get).build();
        CompletableFuture<DeliveryOutcome> running = CompletableFuture.supplyAsync(
                () -> delivery.send(settings().build(), request));
        await().atMost(Duration.ofSeconds(10)).until(() -> received().size() == 1);
        abort.set(true);
        DeliveryOutcome outcome = running.get(5, TimeUnit.SECONDS);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isEqualTo(1);
        assertThat(outcome.error()).startsWith("aborted while waiting to retry on the file (chunk 0) of " + LABEL);
        assertThat(received()).hasSize(1);
    }

    // ---------------------------------------------------------------- check

    @Test
    void checkSendsAHeadWithTheCredentials() {
        wm.stubFor(head(urlPathEqualTo("/ingest/orders")).willReturn(aResponse().withStatus(200)));
        CheckOutcome ok = delivery.check(settings().auth(new Auth.Bearer(TOKEN)).build());
        assertThat(ok.ok()).isTrue();
        assertThat(ok.message()).startsWith("reachable and authorised (HTTP 200 OK on HEAD");
        List<LoggedRequest> heads = wm.findAll(headRequestedFor(urlEqualTo(PATH)));
        assertThat(heads).singleElement().satisfies(r -> {
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(r.getBody()).isEmpty();
        });
    }

    @Test
    void checkCallsA405Reachable() {
        wm.stubFor(head(urlPathEqualTo("/ingest/orders")).willReturn(aResponse().withStatus(405)));
        CheckOutcome outcome = delivery.check(settings().auth(new Auth.Bearer(TOKEN)).build());
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.message()).startsWith("reachable and authorised (HTTP 405 Method Not Allowed on HEAD");
    }

    @Test
    void checkReportsRefusedCredentialsWithoutTheToken() {
        wm.stubFor(head(urlPathEqualTo("/ingest/orders")).willReturn(aResponse().withStatus(401)));
        CheckOutcome outcome = delivery.check(settings().auth(new Auth.Bearer(TOKEN)).build());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.message()).isEqualTo("not authorised: HTTP 401 Unauthorized on HEAD with bearer token; "
                + "check the token").doesNotContain(TOKEN);
    }

    @Test
    void checkReportsARefusedPortUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CheckOutcome outcome = delivery.check(settings().url("http://localhost:" + port + "/ingest").build());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.message()).startsWith("unreachable: connection refused (http://localhost:" + port);
    }

    // ---------------------------------------------------------------- TLS

    @Test
    void anUntrustedCertificateFailsWithoutRetry() throws Exception {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
        wm.stubFor(head(urlPathEqualTo("/ingest/orders")).willReturn(aResponse().withStatus(200)));
        HttpSettings settings = settings().url(httpsUrl("localhost")).build();

        DeliveryOutcome outcome = delivery.send(settings, csvRequest());
        CheckOutcome check = delivery.check(settings);

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isEqualTo(1);
        assertThat(outcome.lastStatus()).isNull();
        assertThat(outcome.error()).startsWith("certificate not trusted on the file (chunk 0)")
                .contains("add the server's CA to trust_store");
        assertThat(check.ok()).isFalse();
        assertThat(check.message()).startsWith("unreachable: certificate not trusted: add the server's CA to "
                + "trust_store");
        assertThat(received()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"trust.p12", "trust.jks"})
    void aTrustStoreWithTheServersCertificateIsTrusted(String name) throws Exception {
        Path store = trustStore(name);
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
        wm.stubFor(head(urlPathEqualTo("/ingest/orders")).willReturn(aResponse().withStatus(405)));
        HttpSettings settings = settings().url(httpsUrl("localhost")).trustStore(store, STORE_PASSWORD).build();

        DeliveryOutcome outcome = delivery.send(settings, csvRequest());
        CheckOutcome check = delivery.check(settings);

        assertThat(outcome).isEqualTo(new DeliveryOutcome(true, 1, 1, 1, 200, null, null));
        assertThat(check.ok()).isTrue();
        assertThat(received()).hasSize(1);
    }

    @Test
    void hostNamesAreCheckedEvenForATrustedCertificate() throws Exception {
        HttpSettings settings = settings().url(httpsUrl("127.0.0.1")).trustStore(trustStore("trust.p12"),
                STORE_PASSWORD).build();
        DeliveryOutcome outcome = delivery.send(settings, csvRequest());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).startsWith("certificate does not match the host");
        assertThat(delivery.check(settings).message())
                .startsWith("unreachable: certificate does not match the host");
    }

    @Test
    void aWrongTrustStorePasswordIsReportedWithoutRequest() throws Exception {
        HttpSettings settings = settings().url(httpsUrl("localhost")).trustStore(trustStore("trust.p12"),
                "not-the-password").build();
        DeliveryOutcome outcome = delivery.send(settings, request(csvFile(), BodyFormat.CSV).startChunk(0).build());
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.requests()).isZero();
        assertThat(outcome.error()).contains("trust.p12", "wrong password").doesNotContain("not-the-password");
    }

    // ---------------------------------------------------------------- helpers

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }

    private Path trustStore(String name) throws Exception {
        KeyStore store = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
        store.load(null, null);
        store.setCertificateEntry("wiremock", serverCertificate);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    private static String httpsUrl(String host) {
        return "https://" + host + ":" + wm.httpsPort() + PATH;
    }

    private static void stubOk() {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
    }

    /** The first POST gets the first response, every later one the second. */
    private static void stubSequence(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder first,
            com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder then) {
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("sequence").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(first).willSetStateTo("answered"));
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("sequence").whenScenarioStateIs("answered").willReturn(then));
    }

    /** Requests to the destination, oldest first. */
    private static List<LoggedRequest> received() {
        List<LoggedRequest> all = new ArrayList<>(wm.findAll(postRequestedFor(urlEqualTo(PATH))));
        all.addAll(wm.findAll(putRequestedFor(urlEqualTo(PATH))));
        all.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return all;
    }

    private static LoggedRequest single() {
        List<LoggedRequest> requests = received();
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static Duration gap(LoggedRequest first, LoggedRequest second) {
        return Duration.between(first.getLoggedDate().toInstant(), second.getLoggedDate().toInstant());
    }

    private static Set<String> headerNames(LoggedRequest r) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        r.getHeaders().all().stream().map(HttpHeader::key).forEach(names::add);
        return names;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path csvFile() throws IOException {
        return write("export.csv", "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8));
    }

    private DeliveryRequest csvRequest() throws IOException {
        return request(csvFile(), BodyFormat.CSV).build();
    }

    private static byte[] jsonLines(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "{\"id\":" + i + "}\n").collect(Collectors.joining())
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static List<Integer> ids(Iterable<JsonNode> records) {
        List<Integer> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("id").asInt()));
        return ids;
    }

    /** Computed here independently of the code under test. */
    private static String sha256Prefix(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest).substring(0, 32);
    }

    private static SettingsBuilder settings() {
        return new SettingsBuilder().url("http://localhost:" + wm.port() + PATH);
    }

    private static RequestBuilder request(Path file, BodyFormat format) {
        return new RequestBuilder(file, format, BASE, LABEL);
    }
}
