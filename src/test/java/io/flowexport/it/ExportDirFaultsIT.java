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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export directory (or the work directory) full or not writable, on real file systems: a 1 MiB tmpfs for
 * "full" ({@code No space left on device}), {@code chattr +i} for "not writable" (root ignores permission bits)
 * and a regular file where a directory is needed. Each fault is met by CSV through PostgreSQL's COPY, JSON Lines
 * and Parquet through the JDBC stream, by flows whose only destination is a file (staged beside the target) and
 * by flows with a file and an HTTP destination (staged in the work directory). Every time: the run fails with a
 * message naming the flow, the path, the OS's reason and what to do; no file at the target; no hidden
 * {@code .flowexport-*} file left; the watermark and the pending deliveries as they should be; another flow in the
 * same {@code run-once --all} succeeds; once the fault is gone, the next run exports the same batches.
 *
 * <p>Needs root (mount, chattr): it fails, saying so, when not run as root.
 */
class ExportDirFaultsIT {

    /** Exported rows of batch 2: 4000 rows of 1 KiB of hex text each, about 4 MiB in every format. */
    private static final String BIG_BATCH = "INSERT INTO items SELECT g, (SELECT string_agg(md5(g || '-' || i), '') "
            + "FROM generate_series(1, 32) i), 2 FROM generate_series(100, 4099) g";

    @TempDir
    Path tmp;

    private final Deque<List<String>> undo = new ArrayDeque<>();
    private WireMockServer http;
    private Harness h;

    @BeforeAll
    static void needsRoot() throws Exception {
        assertThat(sh(false, "id", "-u").strip()).as("ExportDirFaultsIT mounts tmpfs file systems and sets "
                + "chattr +i: run it as root (CI does)").isEqualTo("0");
    }

    @BeforeEach
    void start() throws Exception {
        http = new WireMockServer(wireMockConfig().dynamicPort());
        http.start();
        http.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        h = Harness.postgres(tmp, "fe_disk_it");
        h.sql("CREATE TABLE items (id integer PRIMARY KEY, payload text NOT NULL, xt_batch_id bigint NOT NULL)",
                "INSERT INTO items SELECT g, 'small ' || g, 1 FROM generate_series(1, 5) g");
    }

    /**
     * Checks that no run left a hidden staged or copied file anywhere under the test, then undoes every mount and
     * attribute of the test, last first, before the temporary directory is deleted.
     */
    @AfterEach
    void noTemporaryFileLeftThenUndoFaults() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()))
                    .noneMatch(ExportDirFaultsIT::temp);
        } finally {
            http.stop();
            while (!undo.isEmpty()) {
                sh(true, undo.pop().toArray(String[]::new));
            }
        }
    }

    @Test
    void fullTargetDirectoryOfFileOnlyFlows() throws Exception {
        Path full = tmpfs(h.exportDir.resolve("full"));
        flow("full_csv", "full/csv/{batch_id}.csv", "");
        flow("full_jsonl", "full/jsonl/{batch_id}.jsonl", "");
        flow("full_parquet", "full/parquet/{batch_id}.parquet", "exporter_config = { compression = \"none\" }\n");
        flow("elsewhere", "other/{batch_id}.csv", "");
        h.cli("run-once", "--all").ok();
        assertThat(exported()).containsExactlyInAnyOrder("full/csv/1.csv", "full/jsonl/1.jsonl",
                "full/parquet/1.parquet", "other/1.csv");

        h.sql(BIG_BATCH);
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        Map<String, String> lines = lines(failed.out());
        for (String id : List.of("full_csv", "full_jsonl", "full_parquet")) {
            String dir = full.resolve(id.substring("full_".length())).toString();
            assertThat(lines.get(id)).as(failed.out()).contains(" failed ", "flow '" + id + "'", dir,
                    "No space left on device", "free space on the file system of " + dir,
                    "nothing was published and the watermark stays");
            assertThat(h.watermark(id)).isEqualTo(OptionalLong.of(1));
        }
        assertThat(lines.get("elsewhere")).contains(" ok ", "file=other/2.csv", "batches=2");
        assertThat(exported()).containsExactlyInAnyOrder("full/csv/1.csv", "full/jsonl/1.jsonl",
                "full/parquet/1.parquet", "other/1.csv", "other/2.csv");
        assertThat(pending()).isEmpty();

        sh(false, "mount", "-o", "remount,size=64m", full.toString());
        Harness.Outcome after = h.cli("run-once", "--all").ok();
        lines(after.out()).forEach((id, line) -> assertThat(line).contains(id.equals("elsewhere") ? "nothing new"
                : "batches=2"));
        assertThat(exported()).containsExactlyInAnyOrder("full/csv/1.csv", "full/csv/2.csv", "full/jsonl/1.jsonl",
                "full/jsonl/2.jsonl", "full/parquet/1.parquet", "full/parquet/2.parquet", "other/1.csv",
                "other/2.csv");
        assertThat(h.csv("full/csv/2.csv")).hasSize(4000);
        assertThat(Files.readAllLines(h.exportDir.resolve("full/jsonl/2.jsonl"))).hasSize(4000);
        for (String id : List.of("full_csv", "full_jsonl", "full_parquet")) {
            assertThat(h.watermark(id)).isEqualTo(OptionalLong.of(2));
        }
    }

    @Test
    void fullWorkDirectoryOfFlowsWithAFileAndAnHttpDestination() throws Exception {
        Path work = tmpfs(Files.createDirectories(tmp.resolve("work")));
        Files.writeString(h.config, "flowexport.work.dir=" + work + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        for (String format : List.of("csv", "jsonl", "parquet")) {
            flow("both_" + format, "both/" + format + "/{batch_id}." + format, httpDestination());
        }
        flow("elsewhere", "other/{batch_id}.csv", "");
        h.cli("run-once", "--all").ok();
        http.resetRequests();

        h.sql(BIG_BATCH);
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        Map<String, String> lines = lines(failed.out());
        for (String format : List.of("csv", "jsonl", "parquet")) {
            String id = "both_" + format;
            String dir = work.resolve(id).toString();
            assertThat(lines.get(id)).as(failed.out()).contains(" failed ", "flow '" + id + "'", dir,
                    "No space left on device", "free space on the file system of " + dir,
                    "flowexport.work.dir", "nothing was published and the watermark stays");
            assertThat(h.watermark(id)).isEqualTo(OptionalLong.of(1));
        }
        assertThat(lines.get("elsewhere")).contains(" ok ", "batches=2");
        assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("nothing was sent").isEmpty();
        assertThat(exported()).containsExactlyInAnyOrder("both/csv/1.csv", "both/jsonl/1.jsonl",
                "both/parquet/1.parquet", "other/1.csv", "other/2.csv");
        assertThat(regularFiles(work)).as("nothing left in the work directory").isEmpty();
        assertThat(pending()).isEmpty();

        sh(false, "mount", "-o", "remount,size=64m", work.toString());
        h.cli("run-once", "--all").ok();
        for (String format : List.of("csv", "jsonl", "parquet")) {
            assertThat(exported()).contains("both/" + format + "/2." + format);
            assertThat(http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/both_" + format + "/2")))).hasSize(1);
            assertThat(h.watermark("both_" + format)).isEqualTo(OptionalLong.of(2));
        }
        assertThat(regularFiles(work)).isEmpty();
    }

    @Test
    void fullTargetDirectoryOfAFlowWithAnHttpDestinationIsOwedTheFileAlone() throws Exception {
        Path full = tmpfs(h.exportDir.resolve("full"));
        flow("both_csv", "full/{batch_id}.csv", httpDestination());
        flow("both_jsonl", "full/{batch_id}.jsonl", httpDestination());
        h.cli("run-once", "--all").ok();
        http.resetRequests();

        h.sql(BIG_BATCH);
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        Map<String, String> lines = lines(failed.out());
        for (String id : List.of("both_csv", "both_jsonl")) {
            assertThat(lines.get(id)).as(failed.out()).contains(" failed ", "flow '" + id + "'",
                    "delivery failed to file 'file'", full.toString(), "No space left on device",
                    "free space on the file system of " + full, "the next run sends this file to 'file' only",
                    "the watermark stays");
            assertThat(h.watermark(id)).isEqualTo(OptionalLong.of(1));
            assertThat(http.findAll(anyRequestedFor(urlPathEqualTo("/ingest/" + id + "/2")))).hasSize(1);
        }
        assertThat(pending()).as("owed to the file destination only")
                .containsOnly(Map.entry("both_csv", "{\"file\":0}"), Map.entry("both_jsonl", "{\"file\":0}"));
        assertThat(exported()).containsExactlyInAnyOrder("full/1.csv", "full/1.jsonl");
        assertThat(regularFiles(h.exportDir.resolve(".flowexport")))
                .allSatisfy(p -> assertThat(p).startsWith("pending/")).hasSize(2);

        sh(false, "mount", "-o", "remount,size=64m", full.toString());
        http.resetRequests();
        Harness.Outcome after = h.cli("run-once", "--all").ok();
        assertThat(after.out()).contains("re-sent the file of run");
        assertThat(http.findAll(anyRequestedFor(anyUrl()))).as("HTTP had it already").isEmpty();
        assertThat(exported()).containsExactlyInAnyOrder("full/1.csv", "full/1.jsonl", "full/2.csv", "full/2.jsonl");
        assertThat(h.csv("full/2.csv")).hasSize(4000);
        assertThat(h.watermark("both_csv")).isEqualTo(OptionalLong.of(2));
        assertThat(h.watermark("both_jsonl")).isEqualTo(OptionalLong.of(2));
        assertThat(pending()).isEmpty();
        assertThat(regularFiles(h.exportDir.resolve(".flowexport"))).isEmpty();
    }

    @Test
    void immutableTargetDirectory() throws Exception {
        flow("locked_csv", "locked/csv/{batch_id}.csv", "");
        flow("locked_jsonl", "locked/jsonl/{batch_id}.jsonl", httpDestination());
        flow("elsewhere", "other/{batch_id}.csv", "");
        h.cli("run-once", "--all").ok();
        http.resetRequests();
        Path csvDir = immutable(h.exportDir.resolve("locked/csv"));
        Path jsonlDir = immutable(h.exportDir.resolve("locked/jsonl"));

        h.sql(BIG_BATCH);
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        Map<String, String> lines = lines(failed.out());
        assertThat(lines.get("locked_csv")).contains(" failed ", "flow 'locked_csv'", csvDir.toString(),
                "Operation not permitted", "let the runner's user write to " + csvDir, "chattr -i",
                "nothing was published and the watermark stays");
        assertThat(lines.get("locked_jsonl")).contains(" failed ", "flow 'locked_jsonl'",
                "delivery failed to file 'file'", jsonlDir.toString(), "Operation not permitted",
                "let the runner's user write to " + jsonlDir, "the next run sends this file to 'file' only");
        assertThat(lines.get("elsewhere")).contains(" ok ", "batches=2");
        assertThat(h.watermark("locked_csv")).isEqualTo(OptionalLong.of(1));
        assertThat(h.watermark("locked_jsonl")).isEqualTo(OptionalLong.of(1));
        assertThat(pending()).containsOnly(Map.entry("locked_jsonl", "{\"file\":0}"));
        assertThat(exported()).containsExactlyInAnyOrder("locked/csv/1.csv", "locked/jsonl/1.jsonl", "other/1.csv",
                "other/2.csv");

        sh(false, "chattr", "-i", csvDir.toString(), jsonlDir.toString());
        h.cli("run-once", "--all").ok();
        assertThat(exported()).contains("locked/csv/2.csv", "locked/jsonl/2.jsonl").noneMatch(ExportDirFaultsIT::temp);
        assertThat(h.watermark("locked_csv")).isEqualTo(OptionalLong.of(2));
        assertThat(h.watermark("locked_jsonl")).isEqualTo(OptionalLong.of(2));
        assertThat(pending()).isEmpty();
    }

    @Test
    void targetDirectoryThatIsARegularFile() throws Exception {
        flow("blocked_parquet", "blocked/parquet/{batch_id}.parquet", "");
        flow("blocked_csv", "blocked/csv/{batch_id}.csv", httpDestination());
        flow("elsewhere", "other/{batch_id}.csv", "");
        h.cli("run-once", "--all").ok();
        http.resetRequests();
        Path blocked = h.exportDir.resolve("blocked");
        Files.move(blocked, tmp.resolve("blocked.moved"));
        Files.writeString(blocked, "an operator's note, not a directory\n");

        h.sql(BIG_BATCH);
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).as(failed.out()).isEqualTo(1);
        Map<String, String> lines = lines(failed.out());
        assertThat(lines.get("blocked_parquet")).contains(" failed ", "flow 'blocked_parquet'",
                blocked + " is a file, not a directory", "remove or rename " + blocked + ", or change the path",
                "nothing was published and the watermark stays");
        assertThat(lines.get("blocked_csv")).contains(" failed ", "flow 'blocked_csv'",
                "delivery failed to file 'file'", blocked + " is a file, not a directory",
                "the next run sends this file to 'file' only");
        assertThat(lines.get("elsewhere")).contains(" ok ", "batches=2");
        assertThat(h.watermark("blocked_parquet")).isEqualTo(OptionalLong.of(1));
        assertThat(h.watermark("blocked_csv")).isEqualTo(OptionalLong.of(1));
        assertThat(pending()).containsOnly(Map.entry("blocked_csv", "{\"file\":0}"));
        assertThat(exported()).containsExactlyInAnyOrder("blocked", "other/1.csv", "other/2.csv");

        Files.delete(blocked);
        Files.move(tmp.resolve("blocked.moved"), blocked);
        h.cli("run-once", "--all").ok();
        assertThat(exported()).contains("blocked/parquet/2.parquet", "blocked/csv/2.csv")
                .noneMatch(ExportDirFaultsIT::temp);
        assertThat(h.watermark("blocked_parquet")).isEqualTo(OptionalLong.of(2));
        assertThat(h.watermark("blocked_csv")).isEqualTo(OptionalLong.of(2));
    }

    /** Files under the export directory, relative, without the work directory's (kept pending files). */
    private List<String> exported() throws IOException {
        return h.files().stream().filter(f -> !f.startsWith(".flowexport/")).toList();
    }

    private static boolean temp(String relative) {
        return Path.of(relative).getFileName().toString().startsWith(".flowexport-");
    }

    private void flow(String id, String path, String more) throws IOException {
        h.flow(id, "id = \"" + id + "\"\n[properties.export]\nsource_dataset_id = \"items\"\n"
                + "export_mode = \"changes_only\"\nfile_path = \"" + path + "\"\n" + more);
    }

    private String httpDestination() {
        return "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\nmax_attempts = 1\n"
                + "url = \"http://127.0.0.1:" + http.port() + "/ingest/{flow_id}/{batch_id}\"\n";
    }

    /** Mounts a 1 MiB tmpfs on {@code dir} (created), unmounted after the test. */
    private Path tmpfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        sh(false, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
        undo.push(List.of("umount", dir.toString()));
        return dir;
    }

    /** Sets the immutable attribute on {@code dir}: not even root may create files in it. Undone after. */
    private Path immutable(Path dir) throws Exception {
        sh(false, "chattr", "+i", dir.toString());
        undo.push(List.of("chattr", "-i", dir.toString()));
        return dir;
    }

    /** The run-once lines by flow id. */
    private static Map<String, String> lines(String out) {
        Map<String, String> byFlow = new LinkedHashMap<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> byFlow.put(l.split(" ", 2)[0], l));
        return byFlow;
    }

    /** Pending deliveries: flow id to the destinations still owed the file (JSON). */
    private Map<String, String> pending() throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(h.stateUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow_id, remaining FROM flowexport_pending")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }

    private static List<String> regularFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Runs a command; returns its output; fails the test when it fails, unless {@code lenient}. */
    private static String sh(boolean lenient, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        if (!lenient) {
            assertThat(p.exitValue()).as("%s: %s", List.of(command), out).isZero();
        }
        return out;
    }
}
