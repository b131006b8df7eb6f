package io.flowexport.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowexport.log.format=json} in the packaged jar: a flow whose HTTP destination authenticates with a token
 * from an environment variable, against a server that answers 401 and echoes the credentials back (run-once reports
 * the failure on stdout, masked; {@code LogEncoderTest} shows a logged secret masked in JSON messages and stack
 * traces). Every stderr line is one JSON object, the token appears nowhere,
 * stdout is the same run-once line as in text mode; the setting works from the environment and from the
 * {@code --config} file; a wrong value is refused.
 */
class LogFormatIT {

    private static final String TOKEN = "tok-json-31c2b9a8d7e6";

    @TempDir
    Path tmp;

    private WireMockServer http;
    private Harness h;

    @BeforeEach
    void flows() throws Exception {
        http = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(true));
        http.start();
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401).withBody(
                "denied: Authorization={{request.headers.Authorization}} url={{request.url}}")));
        h = Harness.h2(tmp);
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT \"X\", 1 FROM SYSTEM_RANGE(1, 5)");
        h.flow("items", "id = \"items\"\n[properties.export]\nsource_dataset_id = \"items\"\nformat = \"csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nmax_attempts = 1\n"
                + "url = \"http://127.0.0.1:" + http.port() + "/in?code=${env:FE_JSON_TOKEN}\"\n"
                + "auth = { type = \"bearer\", token = \"${env:FE_JSON_TOKEN}\" }\n");
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    @Test
    void jsonLinesFromTheEnvironmentMaskTheSecret() throws Exception {
        Run json = run(Map.of("FLOWEXPORT_LOG_FORMAT", "json"));
        assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("the token was sent").isNotEmpty();
        List<JsonNode> lines = jsonLines(json.err());
        assertThat(lines).as(json.err()).isNotEmpty();
        assertThat(lines).allSatisfy(l -> assertThat(l.fieldNames()).toIterable()
                .contains("timestamp", "level", "logger", "thread", "message"));
        assertThat(json.out() + json.err()).doesNotContain(TOKEN);

        Run text = run(Map.of());
        assertThat(text.err()).doesNotStartWith("{").doesNotContain(TOKEN);
        assertThat(json.out().replaceAll("\\d+\\.\\d\\ds", "_s"))
                .isEqualTo(text.out().replaceAll("\\d+\\.\\d\\ds", "_s")).contains("items").contains("failed");
    }

    @Test
    void aLiveRunnersRunLinesAreJsonWithTheFlowAndTheSecretMasked() throws Exception {
        Files.writeString(h.config, "flowexport.http.port=0\n", java.nio.file.StandardOpenOption.APPEND);
        h.flow("items", Files.readString(h.flows.resolve("items.toml"))
                + "[[triggers]]\ntype = \"interval\"\nevery = \"500ms\"\n");
        Path log = tmp.resolve("run.log");
        List<String> cmd = PackagedJar.command(List.of());
        cmd.addAll(List.of("run", "--flows", h.flows.toString(), "--config", h.config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FE_JSON_TOKEN", TOKEN);
        pb.environment().put("FLOWEXPORT_LOG_FORMAT", "json");
        Process p = pb.start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.readString(log).contains("\"level\":\"ERROR\",\"logger\":\"io.flowexport.runs\""));
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        List<JsonNode> lines = jsonLines(output);
        JsonNode run = lines.stream().filter(l -> l.path("logger").asText().equals("io.flowexport.runs")
                && l.path("level").asText().equals("ERROR")).findFirst().orElseThrow();
        assertThat(run.path("message").asText()).as(output).contains("items", "failed", "HTTP 401",
                "Authorization=***");
        assertThat(run.path("flow_id").asText()).isEqualTo("items");
        assertThat(run.path("run_id").asText()).isNotBlank();
        assertThat(output).doesNotContain(TOKEN);
    }

    @Test
    void theConfigFileChoosesJsonToo() throws Exception {
        Files.writeString(h.config, "flowexport.log.format=json\n", java.nio.file.StandardOpenOption.APPEND);
        Run json = run(Map.of());
        assertThat(jsonLines(json.err())).isNotEmpty();
        assertThat(json.out() + json.err()).doesNotContain(TOKEN);
    }

    @Test
    void aWrongValueIsRefused() throws Exception {
        Run wrong = run(Map.of("FLOWEXPORT_LOG_FORMAT", "yaml"));
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("flowexport.log.format: 'yaml' is not a log format; known: text, json");
        assertThat(wrong.out()).isEmpty();
    }

    /** Parses every line of {@code err} as one JSON object; fails on a line that is not. */
    private static List<JsonNode> jsonLines(String err) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : err.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node = mapper.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            lines.add(node);
        }
        return lines;
    }

    private record Run(int code, String out, String err) {
    }

    /** {@code run-once --all} of the packaged jar with the token and {@code env} in its environment. */
    private Run run(Map<String, String> env) throws Exception {
        List<String> cmd = PackagedJar.command(List.of());
        cmd.addAll(List.of("run-once", "--all", "--flows", h.flows.toString(), "--config", h.config.toString()));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("FLOWEXPORT_LOG_FORMAT");
        pb.environment().put("FE_JSON_TOKEN", TOKEN);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("run-once ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
