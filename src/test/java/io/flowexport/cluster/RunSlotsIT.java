package io.flowexport.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.run.RunSlots;
import io.flowexport.run.RunTrigger;
import io.flowexport.state.Fence;
import io.flowexport.state.JdbcStateStore;
import io.flowexport.state.RunIntent;
import io.flowexport.state.RunRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The run slots of runners sharing one state store, on PostgreSQL (a fresh database) and on embedded H2: a
 * firing is claimed by one runner; a flow's lease is held by one runner until it is recorded or expires (by the
 * database's clock); a runner whose lease was taken over cannot write state (the fencing token); recording a run
 * releases the lease.
 */
class RunSlotsIT {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private final List<AutoCloseable> open = new ArrayList<>();
    private String database;

    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (database != null) {
            try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private JdbcStateStore store(String db) throws Exception {
        String url;
        if (db.equals("postgres")) {
            if (database == null) {
                database = "fe_slots_" + Long.toHexString(System.nanoTime());
                try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
                     Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
            url = PG + database;
        } else {
            url = "jdbc:h2:file:" + tmp.resolve("state") + ";AUTO_SERVER=TRUE";
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername(db.equals("postgres") ? "postgres" : "");
        cfg.setMaximumPoolSize(8);
        HikariDataSource pool = new HikariDataSource(cfg);
        JdbcStateStore store = new JdbcStateStore(pool, url, pool);
        open.add(store);
        return store;
    }

    private static RunTrigger firing(Instant at) {
        return new RunTrigger("interval", "tick", at, ZoneOffset.UTC, at.plusSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aFiringIsClaimedOnceAndAFlowRunsOnOneRunner(String db) throws Exception {
        JdbcStateStore store = store(db);
        RunSlots a = new JdbcRunSlots(store.dataSource(), "a", Duration.ofSeconds(30));
        RunSlots b = new JdbcRunSlots(store.dataSource(), "b", Duration.ofSeconds(30));
        Instant t1 = Instant.parse("2026-12-06T10:00:00Z");

        RunSlots.Taken first = a.take("orders", firing(t1), "run-1", false);
        assertThat(first).isInstanceOf(RunSlots.Granted.class);
        assertThat(b.take("orders", firing(t1), "run-2", false)).as("the same firing on another runner")
                .isEqualTo(new RunSlots.Claimed("a"));
        assertThat(b.take("orders", firing(t1.plusSeconds(1)), "run-3", false)).as("the next firing, while a runs")
                .isEqualTo(new RunSlots.Busy("a", "run-1"));
        assertThat(b.take("orders", RunTrigger.manual(), "run-4", false)).as("a manual run while a runs")
                .isEqualTo(new RunSlots.Busy("a", "run-1"));
        assertThat(a.take("orders", firing(t1), "run-5", false)).as("an earlier firing comes late")
                .isInstanceOf(RunSlots.Claimed.class);

        Fence fence = ((RunSlots.Granted) first).fence();
        store.recordRun(record("orders", "run-1", "a"), null, fence);
        RunSlots.Taken next = b.take("orders", firing(t1.plusSeconds(2)), "run-6", false);
        assertThat(next).as("after the run is recorded, the lease is free").isInstanceOf(RunSlots.Granted.class);
        assertThat(((RunSlots.Granted) next).fence().epoch()).isEqualTo(fence.epoch() + 1);
        assertThat(store.history("orders", false, 10)).extracting(RunRecord::runnerId).containsExactly("a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aRunnerPausedPastItsLeaseWritesNoStateAfterATakeover(String db) throws Exception {
        JdbcStateStore store = store(db);
        RunSlots a = new JdbcRunSlots(store.dataSource(), "a", Duration.ofSeconds(1));
        RunSlots b = new JdbcRunSlots(store.dataSource(), "b", Duration.ofSeconds(1));
        Fence stale = ((RunSlots.Granted) a.take("orders", firing(Instant.parse("2026-12-06T10:00:00Z")), "run-a",
                false)).fence();
        store.saveIntent(new RunIntent("orders", "ds", "run-a", 1L, 5L, Map.of("run_id", "run-a"), Instant.now()),
                stale);
        Cluster cluster = new Cluster(store.dataSource(), "b", null);
        assertThat(cluster.orphans()).isEmpty();
        // a stops renewing (paused); once the lease runs out by the database's clock, b sees the orphan
        await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.orphans().isEmpty());
        assertThat(cluster.orphans()).singleElement().satisfies(o -> {
            assertThat(o.flowId()).isEqualTo("orders");
            assertThat(o.runnerId()).isEqualTo("a");
            assertThat(o.triggerId()).isEqualTo("tick");
        });
        RunSlots.Taken taken = b.take("orders", RunTrigger.takeover("tick", Instant.parse("2026-12-06T10:00:00Z"),
                cluster.orphans().get(0).lease()), "run-b", false);
        assertThat(taken).isInstanceOf(RunSlots.Granted.class);
        Fence fresh = ((RunSlots.Granted) taken).fence();

        // a resumes: every state write of its run is refused, and its renewal says the lease is lost
        assertThat(a.renew(stale)).isEqualTo(RunSlots.Renewal.LOST);
        assertThatThrownBy(() -> store.commitWatermark("orders", "ds", 5, "run-a", stale))
                .isInstanceOf(Fence.LeaseLostException.class).hasMessageContaining("runner b holds it now");
        assertThatThrownBy(() -> store.recordRun(record("orders", "run-a", "a"), null, stale))
                .isInstanceOf(Fence.LeaseLostException.class);
        assertThat(store.watermark("orders", "ds")).isEqualTo(OptionalLong.empty());
        assertThat(store.intent("orders")).as("b replays a's intent").hasValueSatisfying(i ->
                assertThat(i.runId()).isEqualTo("run-a"));

        store.commitWatermark("orders", "ds", 5, "run-a", fresh);
        store.recordRun(record("orders", "run-b", "b"), null, fresh);
        assertThat(store.watermark("orders", "ds")).hasValue(5);
        assertThat(store.history("orders", false, 10)).extracting(RunRecord::runnerId).containsExactly("b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void aSlowHolderThatEndsItsRunBeforeTheTakeoverBeginsIsNotRunAfter(String db) throws Exception {
        JdbcStateStore store = store(db);
        RunSlots a = new JdbcRunSlots(store.dataSource(), "a", Duration.ofSeconds(1));
        RunSlots b = new JdbcRunSlots(store.dataSource(), "b", Duration.ofSeconds(1));
        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        Fence slow = ((RunSlots.Granted) a.take("orders", firing(at), "run-a", false)).fence();
        Cluster cluster = new Cluster(store.dataSource(), "b", null);
        // a is slow, not gone: b sees its lease expired and decides to take the flow over ...
        await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.orphans().isEmpty());
        RunTrigger.Orphaned seen = cluster.orphans().get(0).lease();
        // ... but a renews (its renewal came late) and then records its run, which frees the slot
        assertThat(a.renew(slow)).isEqualTo(RunSlots.Renewal.RENEWED);
        assertThat(b.take("orders", RunTrigger.takeover("tick", at, seen), "run-b", false))
                .as("a renewed lease is not taken over").isInstanceOf(RunSlots.Busy.class);
        store.recordRun(record("orders", "run-a", "a"), null, slow);
        assertThat(b.take("orders", RunTrigger.takeover("tick", at, seen), "run-b", false))
                .as("the firing a ran is not run again by the takeover").isInstanceOf(RunSlots.Busy.class);
        assertThat(store.history("orders", false, 10)).extracting(RunRecord::runnerId).containsExactly("a");
        // the flow's next firing is b's to run as usual
        assertThat(b.take("orders", firing(at.plusSeconds(1)), "run-b2", false))
                .isInstanceOf(RunSlots.Granted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2"})
    void concurrentRunnersClaimEachFiringExactlyOnce(String db) throws Exception {
        JdbcStateStore store = store(db);
        int runners = 4;
        int firings = 100;
        Instant start = Instant.parse("2026-12-06T10:00:00Z");
        Map<Instant, String> granted = new ConcurrentHashMap<>();
        AtomicInteger doubles = new AtomicInteger();
        CyclicBarrier together = new CyclicBarrier(runners);
        ExecutorService pool = Executors.newFixedThreadPool(runners);
        List<Future<?>> done = new ArrayList<>();
        for (int r = 0; r < runners; r++) {
            String id = "r" + r;
            RunSlots slots = new JdbcRunSlots(store.dataSource(), id, Duration.ofSeconds(30));
            done.add(pool.submit(() -> {
                for (int i = 0; i < firings; i++) {
                    together.await();
                    Instant at = start.plusSeconds(i);
                    RunSlots.Taken t = slots.take("flow-" + (i % 3), firing(at), id + "-" + i, false);
                    if (t instanceof RunSlots.Granted g) {
                        if (granted.putIfAbsent(at, id) != null) {
                            doubles.incrementAndGet();
                        }
                        store.recordRun(record("flow-" + (i % 3), id + "-" + i, id), null, g.fence());
                    }
                    assertThat(t).isNotInstanceOf(RunSlots.Unreachable.class);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(doubles.get()).as("firings granted to two runners").isZero();
        assertThat(granted).as("every firing was run by one runner").hasSize(firings);
    }

    private static RunRecord record(String flow, String runId, String runner) {
        Instant now = Instant.now();
        return new RunRecord(flow, runId, "v1", "interval", now, now, "ok", 0, 0, null, null, List.of(), List.of(),
                null, null, runner, "tick", now);
    }
}
