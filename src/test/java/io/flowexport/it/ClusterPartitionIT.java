package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.it.ClusterRunners.Firings;
import io.flowexport.it.ClusterRunners.Run;
import io.flowexport.it.CrashLedger.Target;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner cut off from PostgreSQL stops running and publishing, and the others run its flows meanwhile. Three
 * {@code run} processes share one PostgreSQL state store; r1 reaches PostgreSQL (state store and source) only
 * through a {@link SwitchableProxy}, r2 and r3 directly. Eight flows of the cluster mix ({@link
 * ClusterRunners#writeFlowMix}: CSV, JSON Lines, Parquet, to files and HTTP; file names and HTTP paths hold the
 * run id and, for HTTP, the runner's id) export a change feed a writer extends every 300 ms. After every runner
 * has run flows, r1's proxy is switched off for {@value #CUT_SECONDS} s (every connection cut, new ones refused),
 * then on again; then the writer stops, the runners catch up and stop.
 *
 * <p>Proves: r1 starts no run during the cut (no history row by r1 started in it); r1 publishes nothing once its
 * lease has run out ({@link ClusterRunners#LEASE} + 1 s after the cut) until the cut ends: no HTTP request from r1
 * and no new file that only r1's runs (or no recorded run) account for, a file being r2's or r3's when one of
 * their runs lists it, has its run id in its name or replayed that run; r2 and r3 run every flow during the cut;
 * r1 runs flows again after it; every source row reached every destination (rows lost 0), no row was published
 * under two names or keys, no temporary file is visible; each firing ran at most once, no two runs of a flow
 * overlapped. Writes its figures to {@code target/it-logs/cluster-partition-summary.txt}.
 */
class ClusterPartitionIT {

    private static final int CUT_SECONDS = 10;
    private static final int FLOWS = 8;
    private static final String TABLE = "partition_feed";
    private static final Pattern RUN_ID_IN_NAME = Pattern.compile("\\d+_([0-9A-Za-z-]+)\\.[a-z]+");

    @TempDir
    Path tmp;

    /**
     * When each file name and each HTTP request was first seen (polled every 100 ms, so times are late by up to
     * that much).
     */
    private static final class Publications implements AutoCloseable {
        /** export-relative path -> first seen. */
        final Map<String, Instant> files = new ConcurrentHashMap<>();
        /** request (path, Idempotency-Key) -> first seen, in arrival order. */
        final List<Map.Entry<RecordingHttpServer.Received, Instant>> requests = new CopyOnWriteArrayList<>();
        private final Path exportDir;
        private final List<Target> targets;
        private final RecordingHttpServer http;
        private final Thread poller;
        private volatile boolean stop;
        private volatile Throwable failure;

        Publications(Path exportDir, List<Target> targets, RecordingHttpServer http) {
            this.exportDir = exportDir;
            this.targets = targets;
            this.http = http;
            this.poller = new Thread(this::poll, "publications");
            poller.setDaemon(true);
            poller.start();
        }

        private void poll() {
            try {
                while (!stop) {
                    Instant now = Instant.now();
                    for (Target t : targets) {
                        if (t.http()) {
                            continue;
                        }
                        try (DirectoryStream<Path> dir = Files.newDirectoryStream(exportDir.resolve(t.where()))) {
                            for (Path p : dir) {
                                if (!p.getFileName().toString().startsWith(".")) {
                                    files.putIfAbsent(exportDir.relativize(p).toString(), now);
                                }
                            }
                        }
                    }
                    List<RecordingHttpServer.Received> all = http.received();
                    for (RecordingHttpServer.Received r : all.subList(requests.size(), all.size())) {
                        requests.add(Map.entry(r, now));
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            poller.join(5_000);
            assertThat(failure).as("the publication poller's failure").isNull();
        }
    }

    @Test
    void aRunnerCutOffFromPostgresStopsAndTheOthersRunItsFlows() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("flowexport.cluster.seed", new SecureRandom().nextLong());
        System.out.println("partition: seed " + seed);
        try (ClusterRunners cluster = new ClusterRunners(tmp, "ClusterPartitionIT", "cluster_partition_it");
             SwitchableProxy proxy = new SwitchableProxy("127.0.0.1", 5432);
             RecordingHttpServer http = new RecordingHttpServer();
             SourceBatches source = new SourceBatches(cluster.source, TABLE, new Random(seed), 5, 40)) {
            proxy.switchOn();
            String viaProxy = "127.0.0.1:" + proxy.port();
            cluster.add("r1", "flowexport.state.url=" + cluster.stateUrl.replace("127.0.0.1:5432", viaProxy),
                    "flowexport.source.url=" + cluster.source.sourceUrl.replace("127.0.0.1:5432", viaProxy));
            cluster.add("r2");
            cluster.add("r3");
            List<Target> targets = cluster.writeFlowMix(FLOWS, TABLE, http.base());
            List<String> flows = ClusterRunners.flows(targets);
            try (CrashLedger ledger = new CrashLedger(cluster.exportDir, http, source, targets);
                 Publications published = new Publications(cluster.exportDir, targets, http)) {
                source.write();
                source.start(Duration.ofMillis(300));
                Instant begin = Instant.now();
                cluster.start("r1", "r2", "r3");
                cluster.printClusterStatus("r1");
                for (String id : List.of("r1", "r2", "r3")) {
                    cluster.awaitRunBy(id, begin, Duration.ofSeconds(60));
                }
                Instant together = Instant.now(); // the schedule: the three run side by side once more
                for (String id : List.of("r1", "r2", "r3")) {
                    cluster.awaitRunBy(id, together, Duration.ofSeconds(60));
                }

                Instant cutStart = Instant.now();
                proxy.switchOff();
                System.out.println("partition: r1 cut off from PostgreSQL at " + cutStart);
                Thread.sleep(CUT_SECONDS * 1000L); // the scenario: the cut lasts CUT_SECONDS
                Instant cutEnd = Instant.now();
                proxy.switchOn();
                System.out.println("partition: r1 reaches PostgreSQL again at " + cutEnd);
                cluster.printClusterStatus("r1");
                cluster.awaitRunBy("r1", cutEnd, Duration.ofSeconds(60));
                Instant r1Again = cluster.history().stream().filter(r -> "r1".equals(r.runnerId()) && !r.skipped()
                        && r.startedAt().isAfter(cutEnd)).map(Run::startedAt).min(Instant::compareTo).orElseThrow();

                ClusterRunners.Final end = cluster.settle(source, flows, ledger);
                CrashLedger.Snapshot last = end.last();
                AssertionError destinations = end.destinations();
                List<CrashLedger.Totals> totals = destinations == null ? ledger.totals() : List.of();
                List<Run> runs = cluster.history();
                Firings firings = ClusterRunners.firings(runs);
                List<String> overlaps = ClusterRunners.overlaps(runs);

                List<Run> r1DuringCut = runs.stream().filter(r -> "r1".equals(r.runnerId())
                        && !r.startedAt().isBefore(cutStart) && !r.startedAt().isAfter(cutEnd)).toList();
                Instant leaseOver = cutStart.plus(ClusterRunners.LEASE).plusSeconds(1);
                List<String> r1Published = new ArrayList<>();
                int r1InLease = 0;
                for (Map.Entry<RecordingHttpServer.Received, Instant> e : published.requests) {
                    if (e.getKey().path().split("/").length > 2 && e.getKey().path().split("/")[2].equals("r1")
                            && e.getValue().isAfter(cutStart) && !e.getValue().isAfter(cutEnd)) {
                        if (e.getValue().isAfter(leaseOver)) {
                            r1Published.add("HTTP " + e.getKey().path() + " (run " + e.getKey().header(
                                    "X-FlowExport-Run") + ") first seen " + e.getValue());
                        } else {
                            r1InLease++;
                        }
                    }
                }
                for (Map.Entry<String, Instant> e : published.files.entrySet()) {
                    if (!e.getValue().isAfter(cutStart) || e.getValue().isAfter(cutEnd)) {
                        continue;
                    }
                    Set<String> by = publishers(runs, e.getKey());
                    if (by.isEmpty() || by.equals(Set.of("r1"))) {
                        if (e.getValue().isAfter(leaseOver)) {
                            r1Published.add("file " + e.getKey() + " first seen " + e.getValue() + ", "
                                    + (by.isEmpty() ? "no recorded run accounts for it" : "only r1's runs account "
                                    + "for it"));
                        } else {
                            r1InLease++;
                        }
                    }
                }
                Map<String, Long> othersDuringCut = new TreeMap<>();
                flows.forEach(f -> othersDuringCut.put(f, 0L));
                runs.stream().filter(r -> !r.skipped() && !"r1".equals(r.runnerId())
                                && r.startedAt().isAfter(cutStart) && r.startedAt().isBefore(cutEnd))
                        .forEach(r -> othersDuringCut.merge(r.flowId(), 1L, Long::sum));

                long lost = totals.stream().mapToLong(CrashLedger.Totals::rowsLost).sum();
                long duplicates = totals.stream().mapToLong(CrashLedger.Totals::duplicates).sum();
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                        "%n=== cluster partition (seed %d, %.0f s) ===%n", seed, (System.nanoTime() - started) / 1e9));
                sb.append(String.format(Locale.ROOT, "%-52s %s .. %s (%d s)%n", "r1 cut off from PostgreSQL",
                        cutStart, cutEnd, CUT_SECONDS));
                sb.append(String.format(Locale.ROOT, "%-52s %d%n", "runs r1 started during the cut", r1DuringCut.size()));
                sb.append(String.format(Locale.ROOT, "%-52s %d%n", "r1 publications in its last lease after the cut",
                        r1InLease));
                sb.append(String.format(Locale.ROOT, "%-52s %d%n", "r1 publications after its lease ran out",
                        r1Published.size()));
                sb.append(String.format(Locale.ROOT, "%-52s %s%n", "runs by r2/r3 per flow during the cut",
                        othersDuringCut));
                sb.append(String.format(Locale.ROOT, "%-52s %d ms%n", "r1's first run after the cut",
                        Duration.between(cutEnd, r1Again).toMillis()));
                sb.append(String.format(Locale.ROOT, "%-52s %d run, %d skipped, %d more than once%n", "firings",
                        firings.run(), firings.skipped(), firings.twice().size()));
                sb.append(String.format(Locale.ROOT, "%-52s %d%n", "runs overlapping another run of the flow",
                        overlaps.size()));
                sb.append(String.format(Locale.ROOT, "%-52s %s%n", "runs per runner (not skipped)",
                        ClusterRunners.runsPerRunner(runs)));
                sb.append(String.format(Locale.ROOT, "%-52s %s%n", "HTTP requests per runner",
                        ClusterRunners.requestsPerRunner(http)));
                sb.append(destinations != null ? "destinations NOT checked to the end: " + destinations.getMessage()
                        + String.format("%n") : String.format(Locale.ROOT, "%-52s %d%n%-52s %d%n%-52s %d%n",
                        "rows checked (rows x destinations)", totals.stream().mapToLong(t -> t.rowsPresent()
                                + t.rowsLost()).sum(), "rows lost", lost, "duplicates (different name/key)",
                        duplicates));
                r1Published.stream().limit(10).forEach(p -> sb.append("published by r1 during the cut: ").append(p)
                        .append(String.format("%n")));
                ClusterRunners.summary("cluster-partition-summary.txt", sb.toString());

                assertThat(r1DuringCut).as("runs r1 started while cut off from PostgreSQL").isEmpty();
                assertThat(r1Published).as("what r1 published after its lease ran out during the cut").isEmpty();
                assertThat(othersDuringCut).as("runs by r2 or r3 per flow during the cut")
                        .allSatisfy((flow, n) -> assertThat(n).as(flow).isPositive());
                ClusterRunners.assertOnce(firings);
                ClusterRunners.assertNoOverlap(overlaps);
                if (destinations != null) {
                    throw destinations;
                }
                assertThat(last.temporaryFiles()).as("temporary files at target paths after the final stop").isZero();
                assertThat(cluster.pendingDeliveries()).as("pending deliveries after the final stop").isZero();
                for (CrashLedger.Totals t : totals) {
                    assertThat(t.rowsLost()).as("rows lost at %s", t.target().label()).isZero();
                    assertThat(t.duplicates()).as("rows published twice under different names or keys at %s: %s",
                            t.target().label(), t.examples()).isZero();
                }
            }
        }
    }

    /**
     * The runners that account for a published file: those with a run that lists it, has the run id of its name,
     * or replayed or re-sent that run (its message names the run id).
     */
    private static Set<String> publishers(List<Run> runs, String file) {
        Matcher m = RUN_ID_IN_NAME.matcher(Path.of(file).getFileName().toString());
        String runId = m.matches() ? m.group(1) : null;
        return runs.stream().filter(r -> r.files().contains(file) || (runId != null && (runId.equals(r.runId())
                        || (r.message() != null && r.message().contains(runId)))))
                .map(r -> String.valueOf(r.runnerId())).collect(Collectors.toSet());
    }
}
