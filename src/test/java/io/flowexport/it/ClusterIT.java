package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.it.ClusterRunners.Firings;
import io.flowexport.it.ClusterRunners.Lease;
import io.flowexport.it.ClusterRunners.Run;
import io.flowexport.it.CrashLedger.Target;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code run} processes of the packaged runner sharing one PostgreSQL state store, one export directory and
 * one work directory behave as one runner, through a chaos schedule. Twenty flows on interval triggers of 1 s and
 * 2 s (CSV, JSON Lines and Parquet, to files, to an HTTP receiver, some to both; {@link
 * ClusterRunners#writeFlowMix}) export a change feed that a writer extends by a batch every 300 ms. While they
 * run: r1 is killed with SIGKILL while it runs a flow (it holds a lease), r2 is frozen with SIGSTOP for longer
 * than the lease (8 s, lease 3 s) while it runs a flow and then continued, r1 is started again, the cluster is
 * scaled down to r1 (SIGTERM to r2 and r3) for 10 s and up to three again. Then the writer stops, the runners
 * catch up (every watermark at the last batch) and stop.
 *
 * <p>Proves, from the run history and what the destinations hold: each firing (flow, trigger, fire time) ran at
 * most once; no two runs of one flow overlapped in time (the frozen runner did not go on once another took its
 * flow); no runner started a run of a flow while the frozen runner's lease on it had not yet expired (the
 * killed runner's leases are taken over as soon as its process is gone, which a runner sees for processes of its
 * own host);
 * the flows r1 ran when it died were taken over by another runner before r1 came back; every source row
 * reached every destination of its flow (rows lost: 0), no row was published twice under two file names or two
 * Idempotency-Keys (re-sends under the same name or key are counted, as the destination deduplicates them), no
 * partial or temporary file is visible; every runner ran flows. Prints the figures (and writes them to
 * {@code target/it-logs/cluster-summary.txt}): runners, flows, firings run and skipped, kills, pauses, rows
 * checked, rows lost, duplicates, deduplicated re-sends, the measured takeover times. The writer's batch sizes
 * come from a seeded {@link Random}; {@code -Dflowexport.cluster.seed=...} replays them (not the timing).
 */
class ClusterIT {

    private static final int FLOWS = 20;
    private static final String TABLE = "cluster_feed";
    private static final Duration PAUSE = Duration.ofSeconds(8);

    @TempDir
    Path tmp;

    @Test
    void threeRunnersRunEachFiringOnceThroughKillPauseAndScaling() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("flowexport.cluster.seed", new SecureRandom().nextLong());
        System.out.println("cluster: seed " + seed + " (replay the batch sizes with -Dflowexport.cluster.seed="
                + seed + ")");
        try (ClusterRunners cluster = new ClusterRunners(tmp, "ClusterIT", "cluster_it");
             RecordingHttpServer http = new RecordingHttpServer();
             SourceBatches source = new SourceBatches(cluster.source, TABLE, new Random(seed), 5, 40)) {
            for (String id : List.of("r1", "r2", "r3")) {
                cluster.add(id);
            }
            List<Target> targets = cluster.writeFlowMix(FLOWS, TABLE, http.base());
            List<String> flows = ClusterRunners.flows(targets);
            try (CrashLedger ledger = new CrashLedger(cluster.exportDir, http, source, targets)) {
                source.write();
                source.start(Duration.ofMillis(300));
                Instant begin = Instant.now();
                cluster.start("r1", "r2", "r3");
                cluster.printClusterStatus("r1");
                for (String id : List.of("r1", "r2", "r3")) { // the chaos schedule starts once all three run
                    cluster.awaitRunBy(id, begin, Duration.ofSeconds(60));
                }

                Set<String> heldBefore = cluster.awaitLeaseHeldBy("r1", Duration.ofSeconds(30));
                Instant killedAt = cluster.kill("r1");
                Map<String, Lease> killedLeases = cluster.leasesOf("r1");
                Set<String> killedFlows = killedLeases.isEmpty() ? heldBefore : killedLeases.keySet();
                System.out.println("cluster: SIGKILL r1 at " + killedAt + " while it ran " + killedFlows);
                cluster.awaitTakenOver(killedFlows, "r1", killedAt, Duration.ofSeconds(60));

                cluster.awaitLeaseHeldBy("r2", Duration.ofSeconds(30));
                Instant pausedAt = cluster.pause("r2");
                Map<String, Lease> pausedLeases = cluster.leasesOf("r2");
                Set<String> pausedFlows = pausedLeases.keySet();
                System.out.println("cluster: SIGSTOP r2 at " + pausedAt + " while it ran " + pausedFlows);
                Thread.sleep(PAUSE.toMillis());
                Instant resumedAt = cluster.resume("r2");
                System.out.println("cluster: SIGCONT r2 at " + resumedAt);

                Instant r1Back = Instant.now();
                cluster.start("r1");
                System.out.println("cluster: r1 started again at " + r1Back);
                cluster.awaitRunBy("r1", r1Back, Duration.ofSeconds(60));

                cluster.stop("r2", "r3");
                Instant scaledDown = Instant.now();
                System.out.println("cluster: scaled 3 -> 1 (SIGTERM r2, r3) at " + scaledDown);
                Thread.sleep(10_000); // the scenario: r1 alone for 10 s
                Instant scaledUp = Instant.now();
                cluster.start("r2", "r3");
                System.out.println("cluster: scaled 1 -> 3 at " + scaledUp + " (both answer "
                        + Duration.between(scaledUp, Instant.now()).toMillis() + " ms later)");
                cluster.awaitRunBy("r2", scaledUp, Duration.ofSeconds(60));
                cluster.awaitRunBy("r3", scaledUp, Duration.ofSeconds(60));
                cluster.printClusterStatus("r3");

                // the destinations are read first; a whole-export failure there is reported after the figures
                ClusterRunners.Final end = cluster.settle(source, flows, ledger);
                CrashLedger.Snapshot last = end.last();
                AssertionError destinations = end.destinations();
                source.assertSourceMatches();
                List<CrashLedger.Totals> totals = destinations == null ? ledger.totals() : List.of();
                List<Run> runs = cluster.history();
                Firings firings = ClusterRunners.firings(runs);
                List<String> overlaps = ClusterRunners.overlaps(runs);
                Map<String, Long> killTakeover = ClusterRunners.takeoverMillis(runs, "r1", killedAt, killedFlows);
                Map<String, Long> pauseTakeover = ClusterRunners.takeoverMillis(runs, "r2", pausedAt, pausedFlows);
                Map<String, Long> perRunner = ClusterRunners.runsPerRunner(runs);
                // a runner of the same host whose process has ended gives up its leases at once (its pid is gone);
                // a frozen one is alive, so its leases hold until they run out by the database's clock
                List<String> withinLease = ClusterRunners.runsWithinLease(runs, "r2", pausedLeases);
                List<String> notTakenOver = new ArrayList<>();
                for (String flow : killedFlows) {
                    boolean taken = runs.stream().anyMatch(r -> r.flowId().equals(flow) && !"r1".equals(r.runnerId())
                            && !r.skipped() && r.startedAt().isAfter(killedAt) && r.startedAt().isBefore(r1Back));
                    if (!taken) {
                        notTakenOver.add(flow);
                    }
                }
                long scaledDownRuns = runs.stream().filter(r -> !r.skipped() && r.startedAt().isAfter(scaledDown)
                        && r.startedAt().isBefore(scaledUp)).count();
                ClusterRunners.summary("cluster-summary.txt", summary(seed, cluster, flows.size(), runs, firings,
                        overlaps.size(), totals, perRunner, ClusterRunners.requestsPerRunner(http), killTakeover,
                        pauseTakeover, withinLease.size(), scaledDownRuns, destinations, ledger.overflows(),
                        (System.nanoTime() - started) / 1e9));

                ClusterRunners.assertOnce(firings);
                ClusterRunners.assertNoOverlap(overlaps);
                assertThat(withinLease).as("runs another runner started while the frozen r2 still held the flow's "
                        + "lease").isEmpty();
                if (destinations != null) {
                    throw destinations;
                }
                assertThat(last.temporaryFiles()).as("temporary files at target paths after the final stop").isZero();
                assertThat(cluster.pendingDeliveries()).as("pending deliveries after the final stop").isZero();
                for (CrashLedger.Totals t : totals) {
                    assertThat(t.rowsLost()).as("rows lost at %s", t.target().label()).isZero();
                }
                for (CrashLedger.Totals t : totals) {
                    assertThat(t.duplicates()).as("rows published twice under different names or keys at %s: %s",
                            t.target().label(), t.examples()).isZero();
                }
                assertThat(notTakenOver).as("flows r1 ran when it was killed (%s) that no other runner ran between "
                        + "the kill and r1's restart", killedFlows).isEmpty();
                assertThat(perRunner).as("non-skipped runs per runner").containsKeys("r1", "r2", "r3");
                assertThat(scaledDownRuns).as("runs while r1 ran alone").isPositive();
            }
        }
    }

    private static String summary(long seed, ClusterRunners cluster, int flows, List<Run> runs, Firings firings,
                                  int overlaps, List<CrashLedger.Totals> totals, Map<String, Long> perRunner,
                                  Map<String, Long> requestsPerRunner, Map<String, Long> killTakeover,
                                  Map<String, Long> pauseTakeover, int withinLease, long scaledDownRuns,
                                  AssertionError destinations,
                                  int watchOverflows, double seconds) {
        StringBuilder sb = new StringBuilder();
        long lost = totals.stream().mapToLong(CrashLedger.Totals::rowsLost).sum();
        long duplicates = totals.stream().mapToLong(CrashLedger.Totals::duplicates).sum();
        long deduped = totals.stream().mapToLong(CrashLedger.Totals::deduped).sum();
        long checked = totals.stream().mapToLong(t -> t.rowsPresent() + t.rowsLost()).sum();
        Map<String, Long> statuses = new TreeMap<>();
        runs.forEach(r -> statuses.merge(r.trigger() + " " + r.status(), 1L, Long::sum));
        sb.append(String.format(Locale.ROOT, "%n=== cluster (seed %d, %.0f s) ===%n", seed, seconds));
        line(sb, "runners", cluster.runners().size());
        line(sb, "flows", flows);
        line(sb, "firings in the history", firings.total());
        line(sb, "firings run", firings.run());
        line(sb, "firings skipped (flow running elsewhere)", firings.skipped());
        line(sb, "firings recorded more than once", firings.twice().size());
        line(sb, "trigger runs without trigger_id/fire_time", firings.anonymous().size());
        line(sb, "runs overlapping another run of the flow", overlaps);
        line(sb, "runs started inside the frozen one's lease", withinLease);
        line(sb, "kills (SIGKILL)", 1);
        line(sb, "pauses (SIGSTOP " + PAUSE.toSeconds() + " s, lease " + ClusterRunners.LEASE.toSeconds() + " s)", 1);
        line(sb, "runs while scaled down to r1", scaledDownRuns);
        line(sb, "rows checked (rows x destinations)", checked);
        line(sb, "rows lost", lost);
        line(sb, "duplicates (different name/key)", duplicates);
        line(sb, "deduplicated re-sends (same name/key)", deduped);
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", "takeover after SIGKILL r1 (ms)", times(killTakeover)));
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", "takeover after SIGSTOP r2 (ms)", times(pauseTakeover)));
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", "runs per runner (not skipped)", perRunner));
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", "HTTP requests per runner", requestsPerRunner));
        sb.append(String.format(Locale.ROOT, "%-44s %s%n", "runs by trigger and status", statuses));
        if (destinations != null) {
            sb.append("destinations NOT checked to the end (rows lost, duplicates unknown): ")
                    .append(destinations.getMessage()).append(String.format("%n"));
        }
        sb.append(String.format(Locale.ROOT, "%-44s %9s %9s %6s %10s %14s%n", "destination", "rows", "read", "lost",
                "duplicates", "deduped resend"));
        for (CrashLedger.Totals t : totals) {
            sb.append(String.format(Locale.ROOT, "%-44s %9d %9d %6d %10d %14d%n", t.target().label(),
                    t.rowsPresent(), t.occurrences(), t.rowsLost(), t.duplicates(), t.deduped()));
        }
        if (watchOverflows > 0) {
            sb.append("file re-send counts are lower bounds (").append(watchOverflows).append(" watch overflows)")
                    .append(String.format("%n"));
        }
        totals.forEach(t -> t.examples().forEach(e -> sb.append("duplicate at ").append(t.target().label())
                .append(": ").append(e).append(String.format("%n"))));
        firings.twice().stream().limit(5).forEach(f -> sb.append("firing recorded more than once: ").append(f)
                .append(String.format("%n")));
        return sb.toString();
    }

    /** Per flow, and the smallest and largest, or "none". */
    static String times(Map<String, Long> perFlow) {
        if (perFlow.isEmpty()) {
            return "none";
        }
        long min = perFlow.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = perFlow.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        return "min " + min + ", max " + max + " " + perFlow;
    }

    private static void line(StringBuilder sb, String name, long value) {
        sb.append(String.format(Locale.ROOT, "%-44s %9d%n", name, value));
    }
}
