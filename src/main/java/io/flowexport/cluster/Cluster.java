package io.flowexport.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.config.RunnerIds;
import io.flowexport.state.JdbcStateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The runners that share a state store, as the state store's database sees them: each runner's row in
 * {@code flowexport_runner} (renewed by its heartbeat, with the flow versions it has loaded and the flows it is
 * running), the flows' leases ({@code flowexport_lease}) and the triggers' latest firings
 * ({@code flowexport_trigger}). Times are the database's clock. Safe for concurrent use.
 */
public final class Cluster {

    private static final String NOW = JdbcStateStore.DB_NOW_MS;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> VERSIONS = new TypeReference<>() { };
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() { };
    /** Rows of runners not heard from for a day are deleted. */
    private static final long FORGET_AFTER_MS = 24L * 3600 * 1000;

    private final DataSource db;
    private final String runnerId;
    private final String appVersion;

    /**
     * @param db         the state store's database
     * @param runnerId   this runner's id
     * @param appVersion this runner's flow-export version, or null
     */
    public Cluster(DataSource db, String runnerId, String appVersion) {
        this.db = db;
        this.runnerId = runnerId;
        this.appVersion = appVersion;
    }

    /** This runner's id. */
    public String runnerId() {
        return runnerId;
    }

    /**
     * Renews this runner's row: its heartbeat, the flows it has loaded ({@code versions}: flow id to content
     * hash) and those it runs now; deletes rows of runners not heard from for a day.
     *
     * @throws SQLException when the state store cannot be reached
     */
    public void heartbeat(Map<String, String> versions, Collection<String> running, Instant startedAt)
            throws SQLException {
        String flows;
        String runs;
        try {
            flows = JSON.writeValueAsString(new TreeMap<>(versions));
            runs = JSON.writeValueAsString(new TreeSet<>(running));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = db.getConnection()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE flowexport_runner SET heartbeat_at = " + NOW
                    + ", flows = ?, running = ?, app_version = ? WHERE runner_id = ?")) {
                ps.setString(1, flows);
                ps.setString(2, runs);
                ps.setString(3, appVersion);
                ps.setString(4, runnerId);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_runner (runner_id, host, pid, "
                        + "app_version, started_at, heartbeat_at, flows, running) VALUES (?, ?, ?, ?, ?, " + NOW
                        + ", ?, ?)")) {
                    ps.setString(1, runnerId);
                    ps.setString(2, RunnerIds.host());
                    ps.setLong(3, ProcessHandle.current().pid());
                    ps.setString(4, appVersion);
                    ps.setLong(5, startedAt.toEpochMilli());
                    ps.setString(6, flows);
                    ps.setString(7, runs);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM flowexport_runner WHERE heartbeat_at < " + NOW + " - ?")) {
                ps.setLong(1, FORGET_AFTER_MS);
                ps.executeUpdate();
            }
        }
    }

    /** Deletes this runner's row (a clean stop); quietly does nothing when the store cannot be reached. */
    public void leave() {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM flowexport_runner WHERE runner_id = ?")) {
            ps.setString(1, runnerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            // its row is deleted a day after its last heartbeat
        }
    }

    /**
     * A flow whose lease expired while a runner held it: that runner stopped (or was cut off) mid-run.
     *
     * @param flowId    the flow
     * @param runnerId  the runner that held it
     * @param runId     the run it was running
     * @param trigger   what started that run ({@code interval}, {@code schedule}, {@code manual}, ...)
     * @param triggerId the trigger of the firing it was running, or null
     * @param fireTime  that firing's time, or null
     * @param epoch     the lease's epoch
     * @param expired   true when the lease expired; false when its holder, a process of this host, has ended
     */
    public record Orphan(String flowId, String runnerId, String runId, String trigger, String triggerId,
                         Instant fireTime, long epoch, boolean expired) {

        /** The lease a takeover of this flow takes over. */
        public io.flowexport.run.RunTrigger.Orphaned lease() {
            return new io.flowexport.run.RunTrigger.Orphaned(runnerId, epoch, expired);
        }
    }

    /**
     * The flows whose lease expired while held, or whose holder was a process of this host that has ended: another
     * runner takes each over.
     *
     * @throws SQLException when the state store cannot be reached
     */
    public List<Orphan> orphans() throws SQLException {
        List<Orphan> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT flow_id, runner_id, run_id, run_trigger, trigger_id, "
                     + "fire_time, expires_at < " + NOW + ", host, pid, epoch FROM flowexport_lease WHERE runner_id "
                     + "IS NOT NULL AND (expires_at < " + NOW + " OR host = ?)")) {
            ps.setString(1, RunnerIds.host());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long fire = rs.getLong(6);
                    Instant fireTime = rs.wasNull() ? null : Instant.ofEpochMilli(fire);
                    if (rs.getBoolean(7) || RunnerIds.isGone(rs.getString(8), rs.getLong(9))) {
                        out.add(new Orphan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), fireTime, rs.getLong(10), rs.getBoolean(7)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The runner whose unexpired lease on the flow says it is running it now, if any (not a process of this host
     * that has ended). When the state store cannot
     * be read, a placeholder naming that: the flow is taken to be running somewhere.
     */
    public Optional<String> holder(String flowId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT runner_id, host, pid FROM flowexport_lease WHERE "
                     + "flow_id = ? AND runner_id IS NOT NULL AND expires_at >= " + NOW)) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !RunnerIds.isGone(rs.getString(2), rs.getLong(3)) ? Optional.of(rs.getString(1))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.of("(unknown: the state store cannot be read)");
        }
    }

    /**
     * The latest firing of a trigger claimed by any runner.
     *
     * @throws IllegalStateException when the state store cannot be read
     */
    public Optional<Instant> lastFiring(String flowId, String triggerId) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT last_fire FROM flowexport_trigger WHERE flow_id = ? AND trigger_id = ?")) {
            ps.setString(1, flowId);
            ps.setString(2, triggerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the latest firing of trigger '" + triggerId + "' of flow '"
                    + flowId + "' from the state store: " + e.getMessage(), e);
        }
    }

    /**
     * One runner as the others see it.
     *
     * @param id              its id
     * @param host            its host name
     * @param pid             its process id
     * @param appVersion      its flow-export version, or null
     * @param heartbeatAgeMs  milliseconds since its last heartbeat (database clock)
     * @param flows           the flows it has loaded: id to version (content hash)
     * @param running         the flows it is running
     */
    public record Runner(String id, String host, long pid, String appVersion, long heartbeatAgeMs,
                         Map<String, String> flows, List<String> running) {
    }

    /**
     * One trigger's firings across the runners.
     *
     * @param flowId    the flow
     * @param triggerId the trigger
     * @param lastFire  the latest firing claimed
     * @param runnerId  the runner that claimed it
     * @param nextFire  the next firing due, or null
     */
    public record Firing(String flowId, String triggerId, Instant lastFire, String runnerId, Instant nextFire) {
    }

    /**
     * The cluster as the state store sees it now.
     *
     * @param runners  the runners with a row (newest heartbeat first)
     * @param firings  every trigger's latest and next firing
     * @param leases   flow id to the runner running it now
     */
    public record View(List<Runner> runners, List<Firing> firings, Map<String, String> leases) {

        /**
         * Flows loaded in different versions by runners heard from within {@code liveMs}: flow id to runner id to
         * version. Empty when every runner has the same version of each flow.
         */
        public Map<String, Map<String, String>> versionDifferences(long liveMs) {
            Map<String, Map<String, String>> byFlow = new TreeMap<>();
            for (Runner r : runners) {
                if (r.heartbeatAgeMs() <= liveMs) {
                    r.flows().forEach((flow, version) -> byFlow.computeIfAbsent(flow, k -> new TreeMap<>())
                            .put(r.id(), version));
                }
            }
            byFlow.values().removeIf(m -> new TreeSet<>(m.values()).size() < 2);
            return byFlow;
        }
    }

    /**
     * Reads the cluster's state.
     *
     * @throws SQLException when the state store cannot be reached
     */
    public View view() throws SQLException {
        List<Runner> runners = new ArrayList<>();
        List<Firing> firings = new ArrayList<>();
        Map<String, String> leases = new TreeMap<>();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT runner_id, host, pid, app_version, " + NOW
                    + " - heartbeat_at, flows, running FROM flowexport_runner ORDER BY heartbeat_at DESC, runner_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runners.add(new Runner(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                            rs.getLong(5), JSON.readValue(rs.getString(6), VERSIONS),
                            JSON.readValue(rs.getString(7), NAMES)));
                }
            } catch (IOException e) {
                throw new SQLException("unreadable runner row: " + e.getMessage(), e);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT flow_id, trigger_id, last_fire, runner_id, "
                    + "next_fire FROM flowexport_trigger ORDER BY flow_id, trigger_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long next = rs.getLong(5);
                    firings.add(new Firing(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                            rs.getString(4), rs.wasNull() ? null : Instant.ofEpochMilli(next)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT flow_id, runner_id FROM flowexport_lease WHERE runner_id IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leases.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return new View(runners, firings, leases);
    }
}
