package io.flowexport.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leave the runner, whatever fails. The source database's password and the HTTP credentials are
 * {@code ${env:...}} references (in the settings, inside the JDBC URL, in the flows); then every kind of failure is
 * made to happen: the source refuses the login (an H2 file database with a user and a password), is unreachable (a
 * closed port), a variable is not set, a dataset does not exist, a run fails mid-way (a value the encoding cannot
 * hold; a division by zero in PostgreSQL after 3999 rows, by COPY and by the JDBC stream), HTTP answers 401, 403
 * and 500 echoing the credentials it got back in its body, HTTP refuses the connection; through {@code validate},
 * {@code plan}, {@code check}, {@code run-once} and a live {@code run} with its HTTP API. Each command is the
 * packaged jar in a child JVM with the secrets in its environment. Then its stdout and stderr (log lines, errors,
 * command output), the API's answers, every file name under the test's directory and every text column of every
 * table of the state databases (found through {@code INFORMATION_SCHEMA}, so tables added later are searched too)
 * are searched for the secret values and their Base64, URL-encoded and URL-decoded forms: no hit. A {@code camel}
 * destination holds its password in a URI option ({@code sftp://...?password=${env:...}}), refused by an SFTP
 * server and by a closed port.
 */
class SecretFailuresIT {

    private static final String DB_PASSWORD = "Db-Pa55+word/7f3e9c1a";
    private static final String WRONG_PASSWORD = "Wr0ng-Pa55+word/e2d4b6";
    private static final String HTTP_TOKEN = "tok-Sec+ret/5b8d2e71c9";
    private static final String HTTP_PASSWORD = "pw-Ba5ic+pw/a1c3e5f7d9";
    /** A camel destination's password in a URI option: the SFTP server below refuses every login. */
    private static final String SFTP_PASSWORD = "Sftp-Pa55&wd=9c+4e%21";
    private static final String ECHO = "denied: Authorization={{request.headers.Authorization}} "
            + "X-Api-Key={{request.headers.X-Api-Key}} url={{request.url}}";

    @TempDir
    Path tmp;

    private WireMockServer http;
    private SshServer sftp;
    private int closedPort;
    private final StringBuilder everything = new StringBuilder();

    @BeforeEach
    void startHttp() throws IOException {
        http = new WireMockServer(wireMockConfig().dynamicPort().globalTemplating(true));
        http.start();
        for (int status : List.of(401, 403, 500)) {
            http.stubFor(any(urlPathEqualTo("/r" + status)).willReturn(aResponse().withStatus(status).withBody(ECHO)));
        }
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        sftp = SshServer.setUpDefaultServer();
        sftp.setHost("127.0.0.1");
        sftp.setPort(0);
        sftp.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(tmp.resolve("sftp-host-key.ser")));
        sftp.setPasswordAuthenticator((user, password, session) -> false); // refuses every login
        sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sftp.setFileSystemFactory(new VirtualFileSystemFactory(Files.createDirectories(tmp.resolve("sftp-root"))));
        sftp.start();
    }

    @AfterEach
    void stopHttp() throws IOException {
        http.stop();
        sftp.stop(true);
    }

    @Test
    void noSecretInAnyOutputWhateverFails() throws Exception {
        Harness h = Harness.h2(tmp);
        String h2Url = "jdbc:h2:file:" + tmp.resolve("secured").toAbsolutePath() + ";DATABASE_TO_LOWER=TRUE";
        try (Connection c = DriverManager.getConnection(h2Url, "exporter", DB_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id integer PRIMARY KEY, payload varchar(40), xt_batch_id bigint NOT NULL)");
            s.execute("INSERT INTO items VALUES (1, 'a', 1), (2, 'b', 1), (3, 'costs 5 \u20ac', 1), (4, 'd', 1)");
        }
        writeH2Flows(h);
        Map<String, String> env = Map.of("FE_DB_PASSWORD", DB_PASSWORD, "FE_HTTP_TOKEN", HTTP_TOKEN,
                "FE_HTTP_PASSWORD", HTTP_PASSWORD, "FE_SFTP_PASSWORD", SFTP_PASSWORD);
        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("FE_DB_PASSWORD", WRONG_PASSWORD);
        Map<String, String> unset = new HashMap<>(env);
        unset.remove("FE_DB_PASSWORD");

        Path good = config(h, "good", "flowexport.source.url=" + h2Url, "flowexport.source.username=exporter",
                "flowexport.source.password=${env:FE_DB_PASSWORD}");
        String ok = run(h.flows, good, env, "validate");
        assertThat(ok).contains("no_such_table");
        run(h.flows, good, env, "plan", "ok_export");
        run(h.flows, good, env, "plan", "http401");
        run(h.flows, good, env, "plan", "no_such_dataset");
        String check = run(h.flows, good, env, "check", "--all");
        assertThat(check).contains("401", "403", "500");
        String once = run(h.flows, good, env, "run-once", "--all");
        assertThat(once).containsPattern("ok_export +ok ").contains("HTTP 401", "HTTP 403", "HTTP 500",
                "delivery failed", "latin-1").containsPattern("camel_sftp +failed")
                .containsPattern("camel_refused +failed");
        assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("the credentials were sent").isNotEmpty();
        run(h.flows, good, env, "run-once", "--all");
        assertThat(run(h.flows, good, env, "history", "--last", "50")).contains("HTTP 401", "HTTP 500", "latin-1");
        assertThat(run(h.flows, good, env, "state", "show", "http500")).contains("owes the file of run");

        assertThat(run(h.flows, good, unset, "validate")).contains("flowexport.source.password: secret "
                + "${env:FE_DB_PASSWORD} is not set; export the environment variable FE_DB_PASSWORD");
        // a refused or unreachable source costs the pool's connection timeout (10 s) per command: one of each
        // command across the three ways a source fails
        assertThat(run(h.flows, good, wrong, "validate")).contains("Wrong user name or password");
        run(h.flows, good, wrong, "check", "--all");
        assertThat(run(h.flows, good, wrong, "run-once", "--all")).contains("Wrong user name or password");

        Path inUrl = config(h, "in-url", "flowexport.source.url=" + h2Url
                + ";USER=exporter;PASSWORD=${env:FE_DB_PASSWORD}");
        assertThat(run(h.flows, inUrl, env, "run-once", "ok_export")).containsPattern("ok_export +nothing new");
        assertThat(run(h.flows, inUrl, wrong, "run-once", "--all")).contains("Wrong user name or password");
        run(h.flows, inUrl, wrong, "plan", "ok_export");

        Path unreachable = config(h, "unreachable", "flowexport.source.url=jdbc:postgresql://127.0.0.1:" + closedPort
                + "/test?password=${env:FE_DB_PASSWORD}", "flowexport.source.username=postgres",
                "flowexport.source.password=${env:FE_DB_PASSWORD}");
        assertThat(run(h.flows, unreachable, env, "plan", "ok_export")).contains("Connection refused");
        assertThat(run(h.flows, unreachable, env, "run-once", "--all")).contains("Connection refused");

        Harness pg = postgresWithAFailingView();
        Path pgConfig = config(pg, "pg", "flowexport.source.url=" + Harness.PG_URL
                + "?currentSchema=fe_secret_fail_it&password=${env:FE_DB_PASSWORD}",
                "flowexport.source.username=postgres",
                "flowexport.source.fetch-size=100");
        assertThat(run(pg.flows, pgConfig, env, "run-once", "--all")).contains("division by zero")
                .containsPattern("boom_csv +failed").containsPattern("boom_jsonl +failed")
                .containsPattern("boom_stream +failed");
        run(pg.flows, pgConfig, env, "plan", "boom_csv");

        Files.copy(good, h.config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (LiveProcess live = LiveProcess.start(h, env)) {
            for (String flow : List.of("http401", "http403", "http500", "http_refused", "midway", "ok_export",
                    "camel_sftp", "camel_refused")) {
                everything.append("\n$ POST /flows/").append(flow).append("/run?wait=true\n")
                        .append(live.runAndWait(flow));
            }
            everything.append("\n$ GET /status\n").append(live.get("/status").body());
            everything.append("\n$ GET /flows/http500\n").append(live.get("/flows/http500").body());
            everything.append("\n$ GET /flows/no_such_dataset\n").append(live.get("/flows/no_such_dataset").body());
            assertThat(live.stop()).isEqualTo(143);
            everything.append("\n$ run (log)\n").append(live.log());
        }
        assertThat(everything).contains("\"status\":\"failed\"").contains("HTTP 401");
        try (LiveProcess live = LiveProcess.start(h, wrong)) {
            everything.append("\n$ GET /status (wrong source password)\n").append(live.get("/status").body());
            everything.append("\n$ POST /flows/ok_export/run?wait=true\n")
                    .append(live.post("/flows/ok_export/run?wait=true").body());
            assertThat(live.stop()).isEqualTo(143);
            everything.append("\n$ run (log)\n").append(live.log());
        }
        assertThat(everything).contains("Wrong user name or password [28000");

        everything.append("\n$ file names\n");
        try (Stream<Path> files = Files.walk(tmp)) {
            files.forEach(p -> everything.append(tmp.relativize(p)).append('\n'));
        }
        everything.append("\n$ state databases\n").append(textOfEveryTable(h.stateUrl))
                .append(textOfEveryTable(pg.stateUrl));
        assertThat(everything.toString().toLowerCase(java.util.Locale.ROOT))
                .as("the state database holds a failure").contains("flowexport_pending.last_error:\n  flow 'http500'");

        String all = everything.toString();
        Files.writeString(Files.createDirectories(Path.of("target", "it-logs")).resolve("SecretFailuresIT.txt"), all);
        for (String secret : forms(DB_PASSWORD, WRONG_PASSWORD, HTTP_TOKEN, HTTP_PASSWORD, "u:" + HTTP_PASSWORD,
                SFTP_PASSWORD)) {
            assertThat(all).as("a form of a secret: %s%n%s", secret, all).doesNotContain(secret);
        }
    }

    private void writeH2Flows(Harness h) throws IOException {
        String base = "http://127.0.0.1:" + http.port();
        String head = "[properties.export]\nsource_dataset_id = \"items\"\nexport_mode = \"changes_only\"\n";
        String httpHead = head + "format = \"csv\"\n[properties.export.destination]\ntype = \"http\"\n"
                + "max_attempts = 1\n";
        h.flow("ok_export", "id = \"ok_export\"\n" + head + "file_path = \"ok/{batch_id}.csv\"\n");
        h.flow("no_such_dataset", "id = \"no_such_dataset\"\n[properties.export]\n"
                + "source_dataset_id = \"no_such_table\"\nfile_path = \"x.csv\"\n");
        h.flow("midway", "id = \"midway\"\n" + head + "file_path = \"midway/{batch_id}.csv\"\n"
                + "exporter_config = { encoding = \"latin-1\" }\n");
        h.flow("http401", "id = \"http401\"\n" + httpHead + "url = \"" + base
                + "/r401?access_token=${env:FE_HTTP_TOKEN}\"\n"
                + "auth = { type = \"bearer\", token = \"${env:FE_HTTP_TOKEN}\" }\n");
        h.flow("http403", "id = \"http403\"\n" + httpHead + "url = \"" + base + "/r403\"\n"
                + "auth = { type = \"basic\", username = \"u\", password = \"${env:FE_HTTP_PASSWORD}\" }\n");
        h.flow("http500", "id = \"http500\"\n" + head + "file_path = \"http500/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nmax_attempts = 2\ninitial_backoff = \"10ms\"\n"
                + "url = \"" + base + "/r500\"\n"
                + "auth = { type = \"api_key\", header = \"X-Api-Key\", value = \"${env:FE_HTTP_TOKEN}\" }\n");
        h.flow("http_refused", "id = \"http_refused\"\n" + httpHead + "url = \"http://127.0.0.1:" + closedPort
                + "/in?key=${env:FE_HTTP_TOKEN}\"\nauth = { type = \"bearer\", token = \"${env:FE_HTTP_TOKEN}\" }\n");
        // a camel destination with a password in a URI option: refused by the SFTP server, and a closed port
        String camelHead = head + "format = \"csv\"\n[properties.export.destination]\ntype = \"camel\"\n"
                + "name = \"partner\"\nmax_attempts = 2\ninitial_backoff = \"10ms\"\n";
        String options = "/in?password=${env:FE_SFTP_PASSWORD}&autoCreate=true&strictHostKeyChecking=no"
                + "&useUserKnownHostsFile=false&connectTimeout=5000";
        h.flow("camel_sftp", "id = \"camel_sftp\"\n" + camelHead + "uri = \"sftp://exports@127.0.0.1:"
                + sftp.getPort() + options + "\"\n");
        h.flow("camel_refused", "id = \"camel_refused\"\n" + camelHead + "uri = \"sftp://exports@127.0.0.1:"
                + closedPort + options + "\"\n");
    }

    /**
     * PostgreSQL views whose rows fail after 3999 good ones, exported by COPY (CSV), by binary COPY (JSON Lines) and
     * by the JDBC stream (JSON Lines of a view with an interval, which has no binary decoding).
     */
    private Harness postgresWithAFailingView() throws Exception {
        Harness pg = Harness.postgres(tmp.resolve("pg"), "fe_secret_fail_it");
        pg.sql("CREATE VIEW boom AS SELECT g AS id, 100 / (4000 - g) AS x, 1::bigint AS xt_batch_id "
                + "FROM generate_series(1, 5000) g",
                "CREATE VIEW boom_span AS SELECT b.*, interval '1 day' AS span FROM boom b");
        String head = "[properties.export]\nsource_dataset_id = \"boom\"\n";
        pg.flow("boom_csv", "id = \"boom_csv\"\n" + head + "file_path = \"boom.csv\"\n");
        pg.flow("boom_jsonl", "id = \"boom_jsonl\"\n" + head + "file_path = \"boom.jsonl\"\n");
        pg.flow("boom_stream", "id = \"boom_stream\"\n[properties.export]\nsource_dataset_id = \"boom_span\"\n"
                + "file_path = \"boom_stream.jsonl\"\n");
        pg.flow("no_such_dataset", "id = \"no_such_dataset\"\n[properties.export]\n"
                + "source_dataset_id = \"no_such_table\"\nfile_path = \"x.csv\"\n");
        return pg;
    }

    /** A config file: the harness's state store and export directory, and {@code lines}. */
    private static Path config(Harness h, String name, String... lines) throws IOException {
        List<String> all = new ArrayList<>(List.of("flowexport.state.url=" + h.stateUrl,
                "flowexport.export.dir=" + h.exportDir.toAbsolutePath(), "flowexport.demo=false"));
        all.addAll(List.of(lines));
        return Files.writeString(h.dir.resolve(name + ".properties"), String.join("\n", all) + "\n");
    }

    /** Runs one command of the packaged jar in a child JVM with {@code env}; returns what it printed. */
    private String run(Path flows, Path config, Map<String, String> env, String... command) throws Exception {
        List<String> cmd = PackagedJar.command(List.of());
        cmd.addAll(List.of(command));
        cmd.addAll(List.of("--flows", flows.toString(), "--config", config.toString(), "--destinations",
                tmp.resolve("destinations").toString()));
        Path out = Files.createTempFile(tmp, "out", ".log");
        Path err = Files.createTempFile(tmp, "err", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        String printed = String.format(java.util.Locale.ROOT, "$ %s (%s, exit %d, %.1f s)%n%s%s",
                String.join(" ", command), config.getFileName(), p.exitValue(), (System.nanoTime() - start) / 1e9,
                Files.readString(out), Files.readString(err));
        everything.append(printed).append('\n');
        return printed;
    }

    /** Every text value of every table of a state database, one {@code table.column: value} per line. */
    private static String textOfEveryTable(String url) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC' AND (DATA_TYPE LIKE '%CHAR%' OR DATA_TYPE LIKE '%CLOB%' "
                    + "OR DATA_TYPE LIKE '%JSON%')")) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            assertThat(columns).as("text columns of %s", url).isNotEmpty();
            for (String[] col : columns) {
                sb.append(col[0]).append('.').append(col[1]).append(":\n");
                try (ResultSet rs = s.executeQuery("SELECT \"" + col[1] + "\" FROM \"" + col[0] + "\"")) {
                    while (rs.next()) {
                        sb.append("  ").append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Each secret as it is, Base64-encoded, URL-encoded and URL-decoded ('+' read as a space). */
    private static Set<String> forms(String... secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String s : secrets) {
            forms.add(s);
            forms.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            forms.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        }
        return forms;
    }
}
