package io.flowexport.destination.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming: files several times larger than the sender's heap go out from a JVM limited to 48 MB. A sender that
 * loaded the file (or a JSON array) into memory would die with OutOfMemoryError.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HttpDeliverySmallHeapIT {

    private static final String HEAP = "-Xmx48m";
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    static WireMockServer wm;

    @BeforeAll
    static void start() {
        wm = new WireMockServer(wireMockConfig().dynamicPort());
        wm.start();
        wm.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetRequests();
    }

    @Test
    void aWholeFileOf256MbIsStreamed() throws Exception {
        Path file = dir.resolve("big.parquet");
        byte[] block = new byte[(int) MB];
        new Random(1).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 256; i++) {
                out.write(block);
            }
        }

        String output = send(file, "PARQUET", "WHOLE", 1);

        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo("/big")));
        assertThat(requests).as(output).hasSize(1);
        assertThat((long) requests.get(0).getBody().length).isEqualTo(Files.size(file));
        assertThat(requests.get(0).getHeader("Content-Length")).isEqualTo(String.valueOf(Files.size(file)));
    }

    @Test
    void aJsonArrayOf150MbGoesOutInBatches() throws Exception {
        Path file = dir.resolve("big.json");
        int records = 1_000_000;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("[\n");
            for (int i = 1; i <= records; i++) {
                w.write("  {\"id\": " + i + ", \"total\": " + i + ".25, \"note\": \"note " + "x".repeat(80)
                        + "\"}" + (i < records ? ",\n" : "\n"));
            }
            w.write("]\n");
        }
        assertThat(Files.size(file)).isGreaterThan(120 * MB);

        String output = send(file, "JSON", "BATCHES", 10_000);

        List<LoggedRequest> requests = wm.findAll(postRequestedFor(urlEqualTo("/big")));
        assertThat(requests).as(output).hasSize(100);
        long total = 0;
        for (LoggedRequest r : requests) {
            total += countElements(r.getBody());
        }
        assertThat(total).isEqualTo(records);
    }

    private String send(Path file, String format, String mode, int batchSize) throws Exception {
        // the runner's own jar, as in production, and the test classes for SmallHeapSend: not the build's class
        // path of some 300 jars, each of whose central directory takes heap (about 24 MB of an idle JVM's heap
        // against 15 MB with the shaded jar, measured at 278d847), which is the build's cost, not the delivery's
        Path jar = Path.of("target", "flow-export.jar").toAbsolutePath();
        assertThat(jar).as("the packaged runner (mvn package)").exists();
        String classPath = Path.of("target", "test-classes").toAbsolutePath() + java.io.File.pathSeparator + jar;
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, SmallHeapSend.class.getName(),
                "http://localhost:" + wm.port() + "/big", file.toString(), format, mode, String.valueOf(batchSize))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("maxHeap=");
        return output;
    }

    private static long countElements(byte[] body) throws IOException {
        long n = 0;
        try (JsonParser p = new ObjectMapper().getFactory().createParser(body)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                p.skipChildren();
                n++;
            }
        }
        return n;
    }
}
