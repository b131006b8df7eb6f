package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Several {@code run} processes of the packaged runner ({@link ChildJvm}) that share one PostgreSQL state store (a
 * database of its own, created here and dropped by {@link #close()}), one export directory and one work directory,
 * as a cluster of runners deployed to separate machines: each runner has its own directory (flows, destination
 * catalogue, routes, config, logs), so a test edits one runner's flows as an operator edits one machine's. The
 * source is the PostgreSQL schema of a {@link Harness} in database {@code test}.
 *
 * <p>Also what the cluster tests read back and check: the run history ({@code flowexport_runs} with the cluster's
 * columns {@code runner_id}, {@code trigger_id}, {@code fire_time}), the leases ({@code flowexport_lease}), the
 * watermarks; each firing run at most once, no two runs of a flow overlapping in time, takeover times.
 */
final class ClusterRunners implements AutoCloseable {

    /** How long a runner holds a flow's run slot without renewing it ({@code flowexport.cluster.lease}). */
    static final Duration LEASE = Duration.ofSeconds(3);
    /** How often a runner renews its leases and looks for orphaned flows ({@code flowexport.cluster.heartbeat}). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    /**
     * One run in the history.
     *
     * @param runnerId  the runner that ran it
     * @param triggerId the trigger's id, null for manual and API runs
     * @param fireTime  the firing's scheduled time (ISO-8601 UTC text), null for manual and API runs
     */
    record Run(String flowId, String runId, String flowVersion, String trigger, Instant startedAt,
               Instant finishedAt, String status, Long firstBatch, Long lastBatch, List<String> files,
               String runnerId, String triggerId, String fireTime, String message) {

        boolean skipped() {
            return "skipped".equals(status);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s run %s by %s (%s %s @ %s, version %s) %s..%s %s%s", flowId, runId,
                    runnerId, trigger, triggerId, fireTime, flowVersion, startedAt, finishedAt, status,
                    message == null ? "" : " (" + message + ")");
        }
    }

    /** A flow's lease as {@code flowexport_lease} holds it (times in ms since 1970, the database's clock). */
    record Lease(String flowId, String runnerId, long epoch, String runId, long acquiredAt, long expiresAt) {
    }

    /**
     * The firings in the history.
     *
     * @param total     distinct (flow, trigger, fire time)
     * @param run       of those, firings that had a run (not only skipped)
     * @param skipped   firings recorded only as skipped (the flow was running elsewhere)
     * @param twice     firings with more than one row
     * @param anonymous runs of a trigger (or takeovers) without trigger_id or fire_time
     */
    record Firings(int total, int run, int skipped, List<String> twice, List<String> anonymous) {
    }

    /** One runner: its id, its own directory, its settings, its current process (null while it is down). */
    final class Runner {
        final String id;
        final Harness h;
        final List<String> extraProps;
        ChildJvm jvm;
        int port;
        int starts;
        boolean paused;

        private Runner(String id, Harness h, List<String> extraProps) {
            this.id = id;
            this.h = h;
            this.extraProps = extraProps;
        }

        boolean up() {
            return jvm != null && jvm.isAlive();
        }
    }

    final String name;
    final Harness source;
    final String stateDb;
    final String stateUrl;
    final Path exportDir;
    final Path workDir;
    private final Path logs;
    private final Map<String, Runner> runners = new LinkedHashMap<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /**
     * A cluster named {@code name} (its logs go to {@code target/it-logs/<name>-<runner>-<n>.log}) with the source
     * in schema {@code schema} of database {@code test} and a fresh state database.
     */
    ClusterRunners(Path tmp, String name, String schema) throws IOException, SQLException {
        this.name = name;
        this.source = Harness.postgres(Files.createDirectories(tmp.resolve("source")), schema);
        this.stateDb = ("fx_" + name + "_" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffffffffL))
                .toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, Harness.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + stateDb);
        }
        this.stateUrl = "jdbc:postgresql://127.0.0.1:5432/" + stateDb;
        this.exportDir = Files.createDirectories(tmp.resolve("export"));
        this.workDir = Files.createDirectories(tmp.resolve("work"));
        this.logs = Files.createDirectories(tmp.resolve(name));
    }

    /**
     * Adds a runner with its own directory; {@code extraProps} are {@code name=value} settings of its own, e.g.
     * {@code flowexport.state.url=...} through a proxy (they come after, so win over, the common ones).
     */
    Runner add(String id, String... extraProps) throws IOException {
        Path dir = Files.createDirectories(source.dir.getParent().resolve("runner-" + id));
        Files.createDirectories(dir.resolve("destinations"));
        Runner r = new Runner(id, Harness.custom(dir, source.sourceUrl, source.sourceUser), List.of(extraProps));
        runners.put(id, r);
        return r;
    }

    Runner runner(String id) {
        Runner r = runners.get(id);
        assertThat(r).as("runner %s", id).isNotNull();
        return r;
    }

    Collection<Runner> runners() {
        return runners.values();
    }

    /** Writes {@code flows/<file>.toml} in every runner's directory (a deployment to every machine). */
    void writeFlow(String file, String toml) throws IOException {
        for (Runner r : runners.values()) {
            r.h.flow(file, toml);
        }
    }

    /** Writes {@code destinations/<entry>.toml} in one runner's catalogue. */
    void writeDestination(String runner, String entry, String toml) throws IOException {
        Files.writeString(runner(runner).h.dir.resolve("destinations").resolve(entry + ".toml"), toml);
    }

    /** The settings every runner gets: the shared state store, export and work directories, the cluster timings. */
    private List<String> props(Runner r) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        r.port = port;
        List<String> p = new ArrayList<>(List.of(
                "flowexport.runner.id=" + r.id,
                "flowexport.state.url=" + stateUrl,
                "flowexport.state.username=" + Harness.PG_USER,
                "flowexport.cluster.lease=" + LEASE.toSeconds() + "s",
                "flowexport.cluster.heartbeat=" + HEARTBEAT.toSeconds() + "s",
                "flowexport.http.port=" + port,
                "flowexport.export.dir=" + exportDir.toAbsolutePath(),
                "flowexport.work.dir=" + workDir.toAbsolutePath(),
                "flowexport.shutdown.grace=5s"));
        p.addAll(r.extraProps);
        return p;
    }

    /** Starts the runners (all at once) and waits until each one's HTTP API answers. */
    void start(String... ids) throws IOException {
        for (String id : ids) {
            Runner r = runner(id);
            assertThat(r.up()).as("runner %s is already up", id).isFalse();
            if (r.jvm != null) {
                r.jvm.close();
            }
            r.starts++;
            r.paused = false;
            r.jvm = ChildJvm.start(r.h, logs.resolve(id + "-" + r.starts + ".log"), props(r), "run");
        }
        for (String id : ids) {
            Runner r = runner(id);
            await("runner " + id + " answers on port " + r.port).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!r.jvm.isAlive()) {
                            fail("runner %s exited at its start; log:%n%s", id, r.jvm.log());
                        }
                        return statusCode(r) == 200;
                    });
        }
    }

    private int statusCode(Runner r) {
        try {
            return get(r, "/status").statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(Runner r, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port + path))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /status of a runner, as JSON. */
    JsonNode status(String id) throws IOException, InterruptedException {
        return JSON.readTree(get(runner(id), "/status").body());
    }

    /** Prints the {@code cluster} part of a runner's GET /status (its shape is not fixed, so nothing is asserted). */
    void printClusterStatus(String id) {
        try {
            JsonNode cluster = status(id).path("cluster");
            System.out.println(name + ": GET /status of " + id + ", \"cluster\": "
                    + (cluster.isMissingNode() ? "(absent)" : cluster.toString()));
        } catch (IOException e) {
            System.out.println(name + ": GET /status of " + id + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL; returns the moment the signal was sent. */
    Instant kill(String id) throws InterruptedException {
        Runner r = runner(id);
        Instant at = Instant.now();
        assertThat(r.jvm.kill()).as("exit code of %s after SIGKILL", id).isEqualTo(137);
        return at;
    }

    /** SIGSTOP: the runner freezes (no heartbeat, no run makes progress) until {@link #resume}. */
    Instant pause(String id) throws IOException, InterruptedException {
        Runner r = runner(id);
        Instant at = Instant.now();
        signal(r, "STOP");
        r.paused = true;
        return at;
    }

    /** SIGCONT after {@link #pause}. */
    Instant resume(String id) throws IOException, InterruptedException {
        Runner r = runner(id);
        Instant at = Instant.now();
        signal(r, "CONT");
        r.paused = false;
        return at;
    }

    private static void signal(Runner r, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(r.jvm.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s %s ended", signal, r.id).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d (%s)", signal, r.jvm.pid(), r.id).isZero();
    }

    /** SIGTERM to each runner at once; asserts each exits with 143. */
    void stop(String... ids) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ids.length);
        try {
            Map<String, Future<Integer>> codes = new LinkedHashMap<>();
            for (String id : ids) {
                Runner r = runner(id);
                codes.put(id, pool.submit(() -> r.jvm.stop()));
            }
            for (Map.Entry<String, Future<Integer>> e : codes.entrySet()) {
                assertThat(e.getValue().get()).as("exit code of %s after SIGTERM; log %s", e.getKey(),
                        runner(e.getKey()).jvm.log()).isEqualTo(143);
                assertThat(runnerRows(e.getKey())).as("rows of %s in flowexport_runner after its clean stop "
                        + "(other runners' status would list it until its heartbeat expired)", e.getKey()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The rows of {@code runner} in {@code flowexport_runner}: 1 while it runs, 0 once it stopped cleanly. */
    int runnerRows(String runner) throws SQLException {
        try (Connection c = state();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM flowexport_runner WHERE runner_id = ?")) {
            ps.setString(1, runner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** SIGTERM to every runner that is up. */
    void stopAll() throws Exception {
        stop(runners.values().stream().filter(Runner::up).map(r -> r.id).toArray(String[]::new));
    }

    private Connection state() throws SQLException {
        return DriverManager.getConnection(stateUrl, Harness.PG_USER, "");
    }

    /** Every flow's lease, by flow id. */
    Map<String, Lease> leases() throws SQLException {
        Map<String, Lease> out = new TreeMap<>();
        try (Connection c = state(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow_id, runner_id, epoch, run_id, acquired_at, expires_at "
                     + "FROM flowexport_lease")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6)));
            }
        } catch (SQLException e) {
            throw missingClusterSchema(e, "flowexport_lease");
        }
        return out;
    }

    /** The leases {@code runner} holds now, by flow id. */
    Map<String, Lease> leasesOf(String runner) throws SQLException {
        Map<String, Lease> out = new TreeMap<>();
        leases().values().stream().filter(l -> runner.equals(l.runnerId())).forEach(l -> out.put(l.flowId(), l));
        return out;
    }

    /** The flows whose lease {@code runner} holds now. */
    Set<String> leasesHeldBy(String runner) throws SQLException {
        return new TreeSet<>(leasesOf(runner).keySet());
    }

    /** Waits (at most {@code atMost}) until {@code runner} holds at least one lease; returns those flows. */
    Set<String> awaitLeaseHeldBy(String runner, Duration atMost) {
        AtomicReference<Set<String>> held = new AtomicReference<>();
        await(runner + " holds a lease (runs a flow)").atMost(atMost).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    held.set(leasesHeldBy(runner));
                    return !held.get().isEmpty();
                });
        return held.get();
    }

    /**
     * Waits (at most {@code atMost}) until each flow of {@code flows} has a run (not skipped) by a runner other than
     * {@code gone} that started after {@code since}: the flows were taken over.
     */
    void awaitTakenOver(Set<String> flows, String gone, Instant since, Duration atMost) {
        await("flows " + flows + " run by a runner other than " + gone).atMost(atMost)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> flows.stream().allMatch(f -> {
                    try {
                        return history().stream().anyMatch(r -> r.flowId().equals(f) && !r.skipped()
                                && !gone.equals(r.runnerId()) && r.startedAt().isAfter(since));
                    } catch (SQLException | IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    /** What the destinations held after the final stop, or the whole-export failure found reading them. */
    record Final(CrashLedger.Snapshot last, AssertionError destinations) {
    }

    /**
     * The end of a chaos schedule: stops the writer, waits until every flow's watermark reaches its last batch,
     * stops every runner (SIGTERM), then reads the destinations; a whole-export failure there is returned, to be
     * reported after the figures.
     */
    Final settle(SourceBatches source, List<String> flows, CrashLedger ledger) throws Exception {
        source.stop();
        awaitWatermarks(flows, source.maxBatch(), Duration.ofSeconds(60));
        stopAll();
        try {
            return new Final(ledger.check(watermarks(), "after the final stop"), null);
        } catch (AssertionError e) {
            return new Final(null, e);
        }
    }

    /** The whole run history, oldest first. */
    List<Run> history() throws SQLException, IOException {
        List<Run> out = new ArrayList<>();
        try (Connection c = state(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow_id, run_id, flow_version, run_trigger, started_at, "
                     + "finished_at, status, first_batch, last_batch, files, runner_id, trigger_id, fire_time, "
                     + "message FROM flowexport_runs ORDER BY started_at, finished_at")) {
            while (rs.next()) {
                out.add(new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.parse(rs.getString(5)), Instant.parse(rs.getString(6)), rs.getString(7),
                        (Long) rs.getObject(8, Long.class), (Long) rs.getObject(9, Long.class),
                        JSON.readValue(rs.getString(10), STRINGS), rs.getString(11), rs.getString(12),
                        rs.getString(13), rs.getString(14)));
            }
        } catch (SQLException e) {
            throw missingClusterSchema(e, "flowexport_runs (runner_id, trigger_id, fire_time)");
        }
        return out;
    }

    /**
     * A clear failure when the state store lacks the cluster's table or columns: the runner under test does not
     * have the cluster feature (an older build). Any other error is rethrown as it is.
     */
    private static SQLException missingClusterSchema(SQLException e, String what) {
        if ("42P01".equals(e.getSQLState()) || "42703".equals(e.getSQLState())) {
            throw new AssertionError("the state store has no " + what + ": this build of the runner does not "
                    + "coordinate runners through the state store (no cluster feature); " + e.getMessage(), e);
        }
        return e;
    }

    /** Every flow's watermark. */
    Map<String, Long> watermarks() throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = state(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow_id, batch_id FROM flowexport_watermark")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Deliveries still owed to some destination. */
    int pendingDeliveries() throws SQLException {
        try (Connection c = state(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM flowexport_pending")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Waits until every one of {@code flows} has its watermark at {@code batch}. */
    void awaitWatermarks(Collection<String> flows, long batch, Duration atMost) {
        AtomicReference<Map<String, Long>> seen = new AtomicReference<>();
        try {
            await("every flow's watermark at the last batch " + batch).atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        seen.set(watermarks());
                        return flows.stream().allMatch(f -> seen.get().getOrDefault(f, 0L) == batch);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; the watermarks then: " + seen.get(), e);
        }
    }

    /** Waits until {@code runner} has a run (not skipped) that started after {@code after}. */
    void awaitRunBy(String runner, Instant after, Duration atMost) {
        await(runner + " runs a flow after " + after).atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> history().stream().anyMatch(r -> runner.equals(r.runnerId()) && !r.skipped()
                        && r.startedAt().isAfter(after)));
    }

    /**
     * Each firing ran at most once: no (flow, trigger, fire time) twice in the history, and every run a trigger
     * started (also a takeover of one) carries its firing's identity. Counts first, asserts in {@link #assertOnce}.
     */
    static Firings firings(List<Run> runs) {
        Map<String, List<Run>> byFiring = new TreeMap<>();
        List<String> anonymous = new ArrayList<>();
        for (Run r : runs) {
            if (Set.of("interval", "schedule", "takeover").contains(r.trigger())
                    && (r.triggerId() == null || r.fireTime() == null)) {
                anonymous.add(r.toString());
            }
            if (r.fireTime() != null) {
                byFiring.computeIfAbsent(r.flowId() + " " + r.triggerId() + " @ " + r.fireTime(),
                        k -> new ArrayList<>()).add(r);
            }
        }
        List<String> twice = new ArrayList<>();
        byFiring.forEach((firing, rs) -> {
            if (rs.size() > 1) {
                twice.add(firing + ": " + rs.size() + " rows: " + rs);
            }
        });
        int skipped = (int) byFiring.values().stream().filter(rs -> rs.stream().allMatch(Run::skipped)).count();
        return new Firings(byFiring.size(), byFiring.size() - skipped, skipped, twice, anonymous);
    }

    /** Fails when a firing is in the history more than once, or a trigger's run lacks its firing's identity. */
    static void assertOnce(Firings f) {
        if (!f.anonymous().isEmpty()) {
            fail("%d runs of a trigger have no trigger_id or fire_time; the first ten:%n%s", f.anonymous().size(),
                    first(f.anonymous()));
        }
        if (!f.twice().isEmpty()) {
            fail("%d of %d firings (flow, trigger, fire time) are in the history more than once (ran or were "
                    + "recorded twice); the first ten:%n%s", f.twice().size(), f.total(), first(f.twice()));
        }
    }

    /** The runs (skipped ones left out) of one flow that began before an earlier run of the flow had ended. */
    static List<String> overlaps(List<Run> runs) {
        Map<String, List<Run>> byFlow = new TreeMap<>();
        runs.stream().filter(r -> !r.skipped()).forEach(r -> byFlow.computeIfAbsent(r.flowId(),
                k -> new ArrayList<>()).add(r));
        List<String> overlaps = new ArrayList<>();
        byFlow.forEach((flow, rs) -> {
            rs.sort(Comparator.comparing(Run::startedAt).thenComparing(Run::finishedAt));
            Run latest = null; // of the runs before, the one that ended last
            for (Run r : rs) {
                if (latest != null && r.startedAt().isBefore(latest.finishedAt())) {
                    overlaps.add(String.format(Locale.ROOT, "%s: a run began %d ms before another ended: [%s] and "
                            + "[%s]", flow, Duration.between(r.startedAt(), latest.finishedAt()).toMillis(), latest,
                            r));
                }
                if (latest == null || r.finishedAt().isAfter(latest.finishedAt())) {
                    latest = r;
                }
            }
        });
        return overlaps;
    }

    /** Fails when two runs of one flow overlapped in time ({@link #overlaps}). */
    static void assertNoOverlap(List<String> overlaps) {
        if (!overlaps.isEmpty()) {
            fail("%d times two runs of one flow overlapped in time (each run must begin after the flow's previous "
                    + "run ended); the first ten:%n%s", overlaps.size(), first(overlaps));
        }
    }

    private static String first(List<String> lines) {
        return String.join(String.format("%n"), lines.subList(0, Math.min(10, lines.size())));
    }

    /**
     * Takeover times after a runner stopped (SIGKILL or SIGSTOP at {@code moment}) while it ran {@code flows}:
     * per flow, the time from that moment to the start of the flow's next run by another runner (absent when
     * none came).
     */
    static Map<String, Long> takeoverMillis(List<Run> runs, String runner, Instant moment, Collection<String> flows) {
        Map<String, Long> out = new TreeMap<>();
        for (String flow : flows) {
            runs.stream().filter(r -> r.flowId().equals(flow) && !runner.equals(r.runnerId()) && !r.skipped()
                            && !r.startedAt().isBefore(moment)).map(Run::startedAt).min(Comparator.naturalOrder())
                    .ifPresent(t -> out.put(flow, Duration.between(moment, t).toMillis()));
        }
        return out;
    }

    /**
     * Runs (not skipped) that another runner started while {@code leases} were still {@code holder}'s: between a
     * lease's acquisition and its expiry, as the holder's run slot (the holder stopped renewing, being killed or
     * frozen, so nobody could know it was gone before the lease ran out).
     */
    static List<String> runsWithinLease(List<Run> runs, String holder, Map<String, Lease> leases) {
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            Lease l = leases.get(r.flowId());
            if (l != null && !holder.equals(r.runnerId()) && !r.skipped()
                    && r.startedAt().toEpochMilli() >= l.acquiredAt() && r.startedAt().toEpochMilli() < l.expiresAt()) {
                out.add(String.format(Locale.ROOT, "%s started %d ms before %s's lease (epoch %d, run %s) expired",
                        r, l.expiresAt() - r.startedAt().toEpochMilli(), holder, l.epoch(), l.runId()));
            }
        }
        return out;
    }

    /** Non-skipped runs per runner id. */
    static Map<String, Long> runsPerRunner(List<Run> runs) {
        return runs.stream().filter(r -> !r.skipped()).collect(Collectors.groupingBy(
                r -> String.valueOf(r.runnerId()), TreeMap::new, Collectors.counting()));
    }

    /** Prints {@code text} and writes it to {@code target/it-logs/<file>} (CI prints that file). */
    static void summary(String file, String text) throws IOException {
        System.out.println(text);
        Files.writeString(Files.createDirectories(Path.of("target", "it-logs")).resolve(file), text);
    }

    /**
     * The flow mix of the cluster tests: {@code count} incremental / changes-only flows {@code c00, c01, ...} on
     * {@code table}, on interval triggers of 1 s (even) and 2 s (odd), in five kinds: CSV to a file; JSON Lines to
     * HTTP in chunks; Parquet to a file; CSV to a file and to HTTP (the whole file); JSON Lines to a file and to HTTP
     * in chunks. File names hold the batch and the run id ({@code <batch>_<run id>.<ext>}), so that two runs
     * publishing the same rows show as a duplicate under two names. Each HTTP destination is the catalogue entry
     * {@code ingest} of the runner that runs the flow, whose URL names that runner ({@code <base>/<flow>/<runner
     * id>/<batch>}): a request tells which runner sent it. Writes the flows and every runner's catalogue entry.
     *
     * @return the destinations, for a {@link CrashLedger} (HTTP ones under the prefix {@code /<flow>/})
     */
    List<Target> writeFlowMix(int count, String table, String httpBase) throws IOException {
        for (Runner r : runners.values()) {
            writeDestination(r.id, "ingest", "type = \"http\"\nurl = \"" + httpBase + "/{flow_id}/" + r.id
                    + "/{batch_id}\"\n");
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format(Locale.ROOT, "c%02d", i);
            String trigger = "[[triggers]]\nid = \"tick\"\ntype = \"interval\"\nevery = \"" + (i % 2 == 0 ? 1 : 2)
                    + "s\"\n";
            String head = "id = \"" + id + "\"\n[properties.export]\nsource_dataset_id = \"" + table + "\"\n";
            String http = "[[properties.export.destinations]]\nref = \"ingest\"\n";
            String chunks = "mode = \"batches\"\nbatch_size = 40\n";
            String toml = switch (i % 5) {
                case 0 -> {
                    targets.add(new Target(id, "file", false, id, Format.CSV, true));
                    yield head + "export_mode = \"incremental\"\nfile_path = \"" + id + "/{batch_id}_{run_id}.csv\"\n";
                }
                case 1 -> {
                    targets.add(new Target(id, "ingest", true, "/" + id + "/", Format.JSONL, false));
                    yield head + "export_mode = \"changes_only\"\nformat = \"json\"\n"
                            + "exporter_config = { jsonl = true }\n" + http + chunks;
                }
                case 2 -> {
                    targets.add(new Target(id, "file", false, id, Format.PARQUET, true));
                    yield head + "export_mode = \"changes_only\"\nfile_path = \"" + id
                            + "/{batch_id}_{run_id}.parquet\"\n";
                }
                case 3 -> {
                    targets.add(new Target(id, "file", false, id, Format.CSV, true));
                    targets.add(new Target(id, "ingest", true, "/" + id + "/", Format.CSV, true));
                    yield head + "export_mode = \"incremental\"\nfile_path = \"" + id + "/{batch_id}_{run_id}.csv\"\n"
                            + http;
                }
                default -> {
                    targets.add(new Target(id, "file", false, id, Format.JSONL, true));
                    targets.add(new Target(id, "ingest", true, "/" + id + "/", Format.JSONL, false));
                    yield head + "export_mode = \"changes_only\"\nfile_path = \"" + id
                            + "/{batch_id}_{run_id}.jsonl\"\n" + http + chunks;
                }
            };
            writeFlow(id, toml + trigger);
        }
        return targets;
    }

    /** The flow ids of {@code targets}, in order. */
    static List<String> flows(List<Target> targets) {
        return targets.stream().map(Target::flow).distinct().toList();
    }

    /** The HTTP requests each runner sent (by the runner id in their path {@code /<flow>/<runner>/<batch>}). */
    static Map<String, Long> requestsPerRunner(RecordingHttpServer http) {
        Map<String, Long> out = new TreeMap<>();
        for (RecordingHttpServer.Received r : http.received()) {
            String[] parts = r.path().split("/");
            out.merge(parts.length > 2 ? parts[2] : "?", 1L, Long::sum);
        }
        return out;
    }

    /** Stops every runner still up (resuming a paused one first), keeps their logs and drops the state database. */
    @Override
    public void close() throws Exception {
        List<Throwable> problems = new ArrayList<>();
        for (Runner r : runners.values()) {
            try {
                if (r.paused) {
                    signal(r, "CONT");
                }
                if (r.jvm != null) {
                    r.jvm.close();
                }
            } catch (Exception | AssertionError e) {
                problems.add(e);
            }
        }
        try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, Harness.PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + stateDb + " WITH (FORCE)");
        } catch (SQLException e) {
            problems.add(e);
        }
        if (!problems.isEmpty()) {
            Exception e = new IllegalStateException("closing the cluster " + name + " failed", problems.get(0));
            problems.subList(1, problems.size()).forEach(e::addSuppressed);
            throw e;
        }
    }
}
