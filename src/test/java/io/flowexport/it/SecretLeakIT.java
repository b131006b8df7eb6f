package io.flowexport.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leave the runner: flows whose HTTP destinations authenticate with a wrong token, a wrong
 * password and a wrong API key (all {@code ${env:...}} or {@code ${file:...}} references), against a server that
 * answers 401 and echoes the credentials it got back in its error body, and lake destinations with a wrong
 * account key and a SAS the (local DFS) server does not accept, and a Service Bus destination whose connection
 * string's key the (local AMQP) broker refuses. Every command is run in a child JVM with
 * the secrets in its environment, and everything it printed (log lines, errors, command output) is searched for
 * the secret values and their Base64 forms.
 */
class SecretLeakIT {

    private static final String TOKEN = "tok-9f8e7d6c5b4a3210";
    private static final String PASSWORD = "pw-1a2b3c4d5e6f7788";
    private static final String API_KEY = "key-0f1e2d3c4b5a6978";
    /** A storage account key the lake server does not accept (it has its own). */
    private static final String LAKE_KEY = Base64.getEncoder().encodeToString("wrong lake key 0123456789abcdef"
            .getBytes(StandardCharsets.UTF_8));
    private static final String SAS_SIG = "Zm9vYmFy%2BbGVha2Vk%3D";
    private static final String SAS = "sv=2022-11-02&ss=b&srt=co&sp=racwdl&se=2099-01-01T00:00:00Z&sig=" + SAS_SIG;
    /** A Service Bus key the (local AMQP) broker does not accept. */
    private static final String BUS_KEY = "d3JvbmctYnVzLWtleS0wMTIzNDU2Nzg5";

    @TempDir
    Path tmp;

    private String busConnectionString;

    @Test
    void noSecretInAnyOutput() throws Exception {
        WireMockServer http = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(true));
        http.start();
        io.flowexport.destination.adls.DfsServer lake = io.flowexport.destination.adls.DfsServer.start("leaklake",
                Base64.getEncoder().encodeToString("the lake's own key, not the one sent".getBytes(
                        StandardCharsets.UTF_8)));
        lake.createFileSystem("exports");
        io.flowexport.destination.messaging.AmqpBroker bus = io.flowexport.destination.messaging.AmqpBroker.start()
                .addKey("send", "the broker's own key").createQueue("items");
        busConnectionString = bus.connectionString("send", BUS_KEY);
        try {
            http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401).withBody(
                    "denied: Authorization={{request.headers.Authorization}} X-Api-Key={{request.headers.X-Api-Key}}"
                            + " url={{request.url}}")));
            Harness h = Harness.postgres(tmp, "fe_secret_it");
            h.sql("CREATE TABLE items (id integer PRIMARY KEY, xt_batch_id bigint NOT NULL)",
                    "INSERT INTO items SELECT g, 1 FROM generate_series(1, 5) g");
            Path keyFile = Files.writeString(tmp.resolve("api.key"), API_KEY + "\n");
            String base = "http://127.0.0.1:" + http.port();
            String head = "[properties.export]\nsource_dataset_id = \"items\"\nformat = \"csv\"\n"
                    + "[properties.export.destination]\ntype = \"http\"\nmax_attempts = 1\n";
            h.flow("bearer", "id = \"bearer\"\n" + head + "url = \"" + base + "/b?code=${env:FE_TOKEN}\"\n"
                    + "auth = { type = \"bearer\", token = \"${env:FE_TOKEN}\" }\n");
            h.flow("basic", "id = \"basic\"\n" + head + "url = \"" + base + "/p\"\n"
                    + "auth = { type = \"basic\", username = \"u\", password = \"${env:FE_PASSWORD}\" }\n");
            h.flow("apikey", "id = \"apikey\"\n" + head + "url = \"" + base + "/k\"\n"
                    + "auth = { type = \"api_key\", value = \"${file:" + keyFile.toAbsolutePath() + "}\" }\n"
                    + "headers = { X-Echo = \"${env:FE_PASSWORD}\" }\n");
            String lakeHead = "[properties.export]\nsource_dataset_id = \"items\"\n[properties.export.destination]\n"
                    + "type = \"adls\"\nurl = \"abfss://exports@leaklake.dfs.core.windows.net/items.csv\"\n"
                    + "endpoint = \"" + lake.endpoint() + "\"\nmax_attempts = 1\n";
            h.flow("lakekey", "id = \"lakekey\"\n" + lakeHead
                    + "auth = { type = \"shared_key\", account_key = \"${env:FE_LAKE_KEY}\" }\n");
            h.flow("lakesas", "id = \"lakesas\"\n" + lakeHead + "auth = { type = \"sas\", token = \"${env:FE_SAS}\" }\n");
            h.flow("bus", "id = \"bus\"\n[properties.export]\nsource_dataset_id = \"items\"\nformat = \"json\"\n"
                    + "[properties.export.destination]\ntype = \"servicebus\"\nnamespace = \"contoso-bus\"\n"
                    + "queue = \"items\"\nmax_attempts = 1\nsend_timeout = \"10s\"\n"
                    + "auth = { type = \"connection_string\", value = \"${env:FE_BUS}\" }\n");

            List<String> outputs = new ArrayList<>();
            for (List<String> command : List.of(List.of("validate"), List.of("plan", "bearer"),
                    List.of("plan", "basic"), List.of("plan", "apikey"), List.of("plan", "lakesas"),
                    List.of("plan", "bus"), List.of("check", "--all"),
                    List.of("run-once", "--all"))) {
                outputs.add(run(h, command));
            }
            String all = String.join("\n", outputs);
            assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("the runner did send the credentials; output:%n%s", all)
                    .hasSizeGreaterThanOrEqualTo(6);
            assertThat(all).contains("401").contains("not authorised").contains("delivery failed");
            assertThat(all).as("the server's echo of the credentials is masked").contains("${env:FE_TOKEN}")
                    .contains("Authorization=***").contains("X-Api-Key=***").contains("code=***");
            String basic = Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(all).contains("the service did not accept the shared key of account 'leaklake' "
                    + "(${env:FE_LAKE_KEY})", "the service did not accept the SAS token ${env:FE_SAS}");
            assertThat(lake.requests()).as("the runner did send the lake credentials").isNotEmpty();
            assertThat(all).contains("the connection string ${env:FE_BUS} was refused by queue 'items'");
            assertThat(bus.putTokens()).as("the runner did send a token signed with the bus key").isNotEmpty();
            for (String secret : List.of(TOKEN, PASSWORD, API_KEY, basic, LAKE_KEY, SAS, SAS_SIG, BUS_KEY,
                    busConnectionString,
                    java.net.URLDecoder.decode(SAS_SIG, StandardCharsets.UTF_8))) {
                assertThat(all).as("output holds secret %s:%n%s", secret, all).doesNotContain(secret);
            }
        } finally {
            http.stop();
            lake.close();
            bus.close();
        }
    }

    /** Runs one command of the packaged jar with the secrets in its environment; returns stdout and stderr. */
    private String run(Harness h, List<String> command) throws Exception {
        List<String> cmd = PackagedJar.command(List.of());
        cmd.addAll(command);
        cmd.addAll(List.of("--flows", h.flows.toString(), "--config", h.config.toString()));
        Path log = Files.createTempFile(tmp, "out", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FE_TOKEN", TOKEN);
        pb.environment().put("FE_PASSWORD", PASSWORD);
        pb.environment().put("FE_LAKE_KEY", LAKE_KEY);
        pb.environment().put("FE_SAS", SAS);
        pb.environment().put("FE_BUS", busConnectionString);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return "$ " + String.join(" ", command) + "\n" + Files.readString(log);
    }
}
