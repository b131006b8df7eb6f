package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.it.CrashLedger.Format;
import io.flowexport.it.CrashLedger.Target;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the packaged runner under SIGKILL: while a writer commits a new batch of change-feed rows to
 * PostgreSQL every 250 ms (text with commas, quotes, line breaks and non-ASCII letters), {@code run} is started
 * with four interval flows (CSV to a file, JSON Lines to HTTP in chunks, Parquet to a file, CSV to a file and
 * HTTP) and killed with SIGKILL at a random moment ({@value #ITERATIONS} times), then started again. After every
 * kill: every visible file, and every request the HTTP receiver accepted, is a whole export (no partial or
 * temporary file at a target path), and no flow's watermark is ahead of what each of its destinations holds.
 * At the end the writer stops, the runner catches up and stops, and every source row is found in every
 * destination (rows lost: 0); a row published twice is only allowed under the same file name or the same
 * Idempotency-Key, which the destination deduplicates. Prints a summary: iterations, kills, kills that landed in
 * a run, runs, rows checked, rows lost, duplicates and where, deduplicated re-sends per destination. The kill
 * moments come from a seeded {@link Random}; the seed is printed and {@code -Dflowexport.crash.seed=...} replays
 * the same choices (not the same timing).
 */
class CrashHarnessIT {

    private static final int ITERATIONS = 30;
    private static final String TABLE = "crash_feed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_LINE = Pattern.compile("io\\.flowexport\\.runs - (\\S+) +(ok|failed) ");
    private static final Pattern OK_LINE = Pattern.compile(
            "io\\.flowexport\\.runs - (\\S+) +ok +rows=\\d+ bytes=\\d+ file=\\S+ batches=(\\d+)(?:\\.\\.(\\d+))?");
    private static final List<Target> TARGETS = List.of(
            new Target("csv_file", "file", false, "csv", Format.CSV, true),
            new Target("jsonl_http", "ingest", true, "/jsonl/", Format.JSONL, false),
            new Target("parquet_file", "file", false, "parquet", Format.PARQUET, true),
            new Target("mixed_csv", "file", false, "mixed", Format.CSV, true),
            new Target("mixed_csv", "ingest", true, "/mixed/", Format.CSV, true));

    @TempDir
    Path tmp;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /** What the kills hit. */
    private static final class Kills {
        int total;
        int duringStartup;
        int statusRunning;
        int temporaryFiles;
        int inAnyRun;
        final List<String> publishedNotCommitted = new ArrayList<>();
        /** flow -> the last batch of its latest run the run log reports published and committed ({@code ok}). */
        final Map<String, Long> reportedCommitted = new TreeMap<>();
        final List<String> commitsLost = new ArrayList<>();
    }

    @Test
    void sigkillAtRandomMomentsLosesNoRowAndDuplicatesOnlyUnderTheSameNameOrKey() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("flowexport.crash.seed", new SecureRandom().nextLong());
        System.out.println("crash harness: seed " + seed + " (replay the choices with -Dflowexport.crash.seed="
                + seed + ")");
        Random random = new Random(seed);
        Harness h = Harness.postgres(tmp, "crash_harness");
        Kills kills = new Kills();
        try (RecordingHttpServer http = new RecordingHttpServer();
             SourceBatches source = new SourceBatches(h, TABLE, new Random(random.nextLong()), 10, 150);
             CrashLedger ledger = new CrashLedger(h.exportDir, http, source, TARGETS)) {
            writeFlows(h, http.base());
            source.write();
            source.start(Duration.ofMillis(250));
            for (int i = 1; i <= ITERATIONS; i++) {
                killOnce(h, random, ledger, kills, i);
            }
            source.stop();
            long max = source.maxBatch();
            try (ChildJvm runner = ChildJvm.start(h, h.dir.resolve("run-final.log"), runnerProps(), "run")) {
                await("every flow's watermark at the last batch " + max).atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> {
                            Map<String, Long> w = watermarks(h);
                            return TARGETS.stream().allMatch(t -> w.getOrDefault(t.flow(), 0L) == max);
                        });
                assertThat(runner.stop()).as("exit code after SIGTERM; log %s", runner.log()).isEqualTo(143);
            }
            CrashLedger.Snapshot last = ledger.check(watermarks(h), "after the final stop");
            source.assertSourceMatches();
            List<CrashLedger.Totals> totals = ledger.totals();
            String summary = summary(seed, kills, source, totals, ledger.overflows(), http.cutOff(), runLines(h),
                    (System.nanoTime() - started) / 1e9);
            System.out.println(summary);
            Files.writeString(Files.createDirectories(Path.of("target", "it-logs"))
                    .resolve("crash-harness-summary.txt"), summary);

            assertThat(last.temporaryFiles()).as("temporary files left after the final stop").isZero();
            assertThat(pendingDeliveries(h)).as("pending deliveries after the final stop").isZero();
            for (CrashLedger.Totals t : totals) {
                assertThat(t.rowsLost()).as("rows lost at %s", t.target().label()).isZero();
            }
            assertThat(kills.commitsLost).as("watermarks the runner reported committed, gone after SIGKILL")
                    .isEmpty();
            for (CrashLedger.Totals t : totals) {
                assertThat(t.duplicates()).as("rows published twice under different names or keys at %s: %s",
                        t.target().label(), t.examples()).isZero();
            }
        }
    }

    private void killOnce(Harness h, Random random, CrashLedger ledger, Kills kills, int i) throws Exception {
        boolean duringStartup = random.nextInt(5) == 0;
        long delay = duringStartup ? 300 + random.nextInt(2700) : random.nextInt(3000);
        List<String> props = runnerProps();
        int port = Integer.parseInt(props.get(0).substring(props.get(0).indexOf('=') + 1));
        boolean running;
        long startMs = -1;
        Path log = h.dir.resolve(String.format(Locale.ROOT, "run-%02d.log", i));
        try (ChildJvm runner = ChildJvm.start(h, log, props, "run")) {
            long launched = System.nanoTime();
            if (!duringStartup) {
                await("runner " + i + " answers").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !runner.isAlive() || statusUp(port));
                startMs = (System.nanoTime() - launched) / 1_000_000;
            }
            assertThat(runner.waitFor(Duration.ofMillis(delay))).as("runner %d ended before its kill; log:%n%s", i,
                    runner.isAlive() ? "" : runner.log()).isFalse();
            running = anyRunning(port);
            assertThat(runner.kill()).as("exit code of runner %d after SIGKILL", i).isEqualTo(137);
        }
        // The runner is dead, so its H2 lock file is stale; H2 would take about 4 s to notice (the file is no
        // longer refreshed) at every open. The state itself is untouched.
        Files.deleteIfExists(h.dir.resolve("state.lock.db"));
        long checking = System.nanoTime();
        String when = "kill " + i + " (" + delay + " ms after " + (duringStartup ? "the start" : "the runner answered, "
                + startMs + " ms after the start") + ")";
        Map<String, Long> watermarks = watermarks(h);
        CrashLedger.Snapshot s = ledger.check(watermarks, when);
        Matcher ok = OK_LINE.matcher(Files.readString(log));
        while (ok.find()) {
            kills.reportedCommitted.put(ok.group(1), Long.parseLong(ok.group(3) != null ? ok.group(3) : ok.group(2)));
        }
        kills.reportedCommitted.forEach((flow, committed) -> {
            long w = watermarks.getOrDefault(flow, 0L);
            if (w < committed) {
                kills.commitsLost.add(String.format(Locale.ROOT, "kill %d: %s reported batch %d published and "
                        + "committed, the state store has watermark %d", i, flow, committed, w));
            }
        });
        kills.reportedCommitted.replaceAll((flow, committed) -> watermarks.getOrDefault(flow, 0L));
        System.out.printf(Locale.ROOT, "%s: a run in progress per /status: %s; temporary files: %d; published above "
                + "the watermark: %s; checked in %d ms%n", when, running, s.temporaryFiles(),
                s.publishedAboveWatermark(), (System.nanoTime() - checking) / 1_000_000);
        kills.total++;
        kills.duringStartup += duringStartup ? 1 : 0;
        kills.statusRunning += running ? 1 : 0;
        kills.temporaryFiles += s.temporaryFiles() > 0 ? 1 : 0;
        kills.inAnyRun += running || s.temporaryFiles() > 0 || !s.publishedAboveWatermark().isEmpty() ? 1 : 0;
        s.publishedAboveWatermark().forEach(f -> kills.publishedNotCommitted.add("kill " + i + ": " + f));
    }

    private static List<String> runnerProps() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return List.of("flowexport.http.port=" + s.getLocalPort(), "flowexport.shutdown.grace=10s");
        }
    }

    private static void writeFlows(Harness h, String httpBase) throws IOException {
        String trigger = "[[triggers]]\ntype = \"interval\"\nevery = \"300ms\"\n";
        h.flow("csv_file", "id = \"csv_file\"\n[properties.export]\nsource_dataset_id = \"" + TABLE + "\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"csv/{batch_id}.csv\"\n" + trigger);
        h.flow("jsonl_http", "id = \"jsonl_http\"\n[properties.export]\nsource_dataset_id = \"" + TABLE + "\"\n"
                + "export_mode = \"changes_only\"\nformat = \"json\"\nexporter_config = { jsonl = true }\n"
                + "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                + "url = \"" + httpBase + "/jsonl/{batch_id}\"\nmode = \"batches\"\nbatch_size = 100\n" + trigger);
        h.flow("parquet_file", "id = \"parquet_file\"\n[properties.export]\nsource_dataset_id = \"" + TABLE + "\"\n"
                + "export_mode = \"changes_only\"\nfile_path = \"parquet/{batch_id}.parquet\"\n" + trigger);
        h.flow("mixed_csv", "id = \"mixed_csv\"\n[properties.export]\nsource_dataset_id = \"" + TABLE + "\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"mixed/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                + "url = \"" + httpBase + "/mixed/{batch_id}\"\n" + trigger);
    }

    private boolean statusUp(int port) {
        try {
            return status(port).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the runner's status says a run is in progress (false when it does not answer in time). */
    private boolean anyRunning(int port) {
        try {
            HttpResponse<String> r = status(port);
            if (r.statusCode() != 200) {
                return false;
            }
            for (JsonNode f : JSON.readTree(r.body()).path("flows")) {
                if ("running".equals(f.path("state").asText())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpResponse<String> status(int port) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every flow's watermark (none before its first commit). */
    private static Map<String, Long> watermarks(Harness h) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(h.stateUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow_id, batch_id FROM flowexport_watermark")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            if (!tableMissing(e)) { // the runner was killed before it created its tables: nothing committed yet
                throw e;
            }
        }
        return out;
    }

    private static int pendingDeliveries(Harness h) throws SQLException {
        try (Connection c = DriverManager.getConnection(h.stateUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM flowexport_pending")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            if (!tableMissing(e)) {
                throw e;
            }
            return 0;
        }
    }

    /** H2's "table not found", with or without other tables in the database (an empty one has its own code). */
    private static boolean tableMissing(SQLException e) {
        return e.getErrorCode() == org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1
                || e.getErrorCode() == org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1
                || e.getErrorCode() == org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2;
    }

    /** {"ok" -> runs that published, "failed" -> failed runs}, from every runner's run log lines. */
    private static Map<String, Integer> runLines(Harness h) throws IOException {
        Map<String, Integer> counts = new TreeMap<>(Map.of("ok", 0, "failed", 0));
        try (var logs = Files.list(h.dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("run-")).toList()) {
                Matcher m = RUN_LINE.matcher(Files.readString(log));
                while (m.find()) {
                    counts.merge(m.group(2), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static String summary(long seed, Kills kills, SourceBatches source, List<CrashLedger.Totals> totals,
                                  int overflows, int cutOff, Map<String, Integer> runs, double seconds) {
        StringBuilder sb = new StringBuilder();
        long lost = totals.stream().mapToLong(CrashLedger.Totals::rowsLost).sum();
        long duplicates = totals.stream().mapToLong(CrashLedger.Totals::duplicates).sum();
        long checked = totals.stream().mapToLong(t -> t.rowsPresent() + t.rowsLost()).sum();
        long read = totals.stream().mapToLong(CrashLedger.Totals::occurrences).sum();
        sb.append(String.format(Locale.ROOT, "%n=== crash harness (seed %d, %.0f s) ===%n", seed, seconds));
        line(sb, "iterations", ITERATIONS);
        line(sb, "kills (SIGKILL)", kills.total);
        line(sb, "  at a random moment of the start", kills.duringStartup);
        line(sb, "  landed in a run (any sign below)", kills.inAnyRun);
        line(sb, "  a run in progress per /status", kills.statusRunning);
        line(sb, "  temporary files left behind", kills.temporaryFiles);
        line(sb, "  published, watermark not moved", kills.publishedNotCommitted.size());
        line(sb, "  committed watermarks lost (went back)", kills.commitsLost.size());
        line(sb, "HTTP requests cut off by a kill", cutOff);
        line(sb, "runs that published (run log)", runs.get("ok"));
        line(sb, "runs failed (run log)", runs.get("failed"));
        line(sb, "batches written", source.count());
        line(sb, "source rows", source.rows());
        line(sb, "rows checked (rows x destinations)", checked);
        line(sb, "published rows read", read);
        line(sb, "rows lost", lost);
        line(sb, "duplicates (different name/key)", duplicates);
        sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %6s %10s %14s%n", "destination", "rows", "read", "lost",
                "duplicates", "deduped resend"));
        for (CrashLedger.Totals t : totals) {
            sb.append(String.format(Locale.ROOT, "%-44s %9d %9d %6d %10d %14d%n", t.target().label(),
                    t.rowsPresent(), t.occurrences(), t.rowsLost(), t.duplicates(), t.deduped()));
        }
        sb.append("deduped resend: file = a name published again (renamed over itself), http = a request with an ")
                .append("Idempotency-Key already received").append(overflows > 0 ? "; file counts are lower bounds ("
                        + overflows + " watch overflows)" : "").append(String.format("%n"));
        kills.publishedNotCommitted.forEach(k -> sb.append("published, watermark not moved: ").append(k)
                .append(String.format("%n")));
        kills.commitsLost.forEach(k -> sb.append("committed watermark lost: ").append(k).append(String.format("%n")));
        totals.forEach(t -> t.examples().forEach(e -> sb.append("duplicate at ").append(t.target().label())
                .append(": ").append(e).append(String.format("%n"))));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, long value) {
        sb.append(String.format(Locale.ROOT, "%-44s %9d%n", name, value));
    }
}
