package io.flowexport.cluster;

import io.flowexport.config.RunnerIds;
import io.flowexport.run.RunSlots;
import io.flowexport.run.RunTrigger;
import io.flowexport.state.Fence;
import io.flowexport.state.JdbcStateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * {@link RunSlots} shared through the state store's database, so that the runners pointed at one state store
 * behave as one: a firing of a trigger is claimed with a compare-and-set on its row of {@code flowexport_trigger}
 * (the latest firing claimed; a firing is claimed only when it is later), and a flow's run slot is a lease on its
 * row of {@code flowexport_lease}, timed by the database's clock ({@link JdbcStateStore#DB_NOW_MS}), whose epoch is
 * the runs' fencing token ({@link Fence}). A lease held by a process of this host that has ended (a crash, a
 * SIGKILL) is taken over at once rather than when it expires, so that one runner restarted after a crash goes on
 * as before. Both are row updates in one transaction: they work the same on H2 (one
 * runner) and PostgreSQL (any number), with no session state, so no advisory lock is held between statements.
 */
public final class JdbcRunSlots implements RunSlots {

    private static final String NOW = JdbcStateStore.DB_NOW_MS;
    private static final String UNIQUE_VIOLATION = "23505";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.flowexport.cluster");

    private final DataSource db;
    private final String runnerId;
    private final long leaseMillis;

    /**
     * @param db       the state store's database (auto-commit connections)
     * @param runnerId this runner's id
     * @param lease    how long a lease lasts unless renewed ({@code flowexport.cluster.lease})
     */
    public JdbcRunSlots(DataSource db, String runnerId, Duration lease) {
        this.db = db;
        this.runnerId = runnerId;
        this.leaseMillis = lease.toMillis();
    }

    @Override
    public String runnerId() {
        return runnerId;
    }

    @Override
    public long leaseNanos() {
        return leaseMillis * 1_000_000L;
    }

    @Override
    public Taken take(String flowId, RunTrigger trigger, String runId, boolean busyHere) {
        try (Connection c = db.getConnection()) {
            if (!busyHere) {
                ensureLeaseRow(c, flowId);
            }
            c.setAutoCommit(false);
            try {
                Taken taken = take(c, flowId, trigger, runId, busyHere);
                c.commit();
                return taken;
            } catch (SQLException e) {
                c.rollback();
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) { // another runner inserted the trigger's row first
                    return new Claimed(claimedBy(c, flowId, trigger.triggerId()));
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            return new Unreachable(e.getMessage());
        }
    }

    private Taken take(Connection c, String flowId, RunTrigger trigger, String runId, boolean busyHere)
            throws SQLException {
        if (trigger.isFiring() && !claimFiring(c, flowId, trigger)) {
            return new Claimed(claimedBy(c, flowId, trigger.triggerId()));
        }
        if (busyHere) {
            return new Busy(runnerId, null);
        }
        long sent = System.nanoTime();
        RunTrigger.Orphaned from = trigger.takenFrom();
        if (from != null) {
            // only the lease found orphaned, still held and (unless its process ended) still expired: a holder that
            // was slow, not gone, may have recorded its run and released the slot since, or renewed it
            String still = "runner_id IS NOT NULL AND epoch = ?" + (from.expired() ? " AND expires_at < " + NOW : "");
            if (acquire(c, flowId, trigger, runId, still, from.epoch())) {
                return new Granted(new Fence(flowId, runnerId, epoch(c, flowId)), leaseNanos() - elapsed(sent));
            }
            return new Busy(null, null);
        }
        if (acquire(c, flowId, trigger, runId, "(runner_id IS NULL OR expires_at < " + NOW + ")", -1)) {
            return new Granted(new Fence(flowId, runnerId, epoch(c, flowId)), leaseNanos() - elapsed(sent));
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT runner_id, run_id, host, pid, epoch FROM flowexport_lease WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Busy(null, null);
                }
                String holder = rs.getString(1);
                long pid = rs.getLong(4);
                if (RunnerIds.isGone(rs.getString(3), pid)
                        && acquire(c, flowId, trigger, runId, "epoch = ?", rs.getLong(5))) {
                    LOG.info("flow '{}': runner {} (process {} on this host) ended while running run {}; its run "
                            + "slot is taken over at once", flowId, holder, pid, rs.getString(2));
                    return new Granted(new Fence(flowId, runnerId, epoch(c, flowId)), leaseNanos() - elapsed(sent));
                }
                return new Busy(holder, rs.getString(2));
            }
        }
    }

    /** Takes the flow's lease where {@code condition} (with {@code epoch} as its parameter, when not -1) holds. */
    private boolean acquire(Connection c, String flowId, RunTrigger trigger, String runId, String condition,
                            long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE flowexport_lease SET runner_id = ?, host = ?, pid = ?, "
                + "epoch = epoch + 1, run_id = ?, run_trigger = ?, trigger_id = ?, fire_time = ?, acquired_at = " + NOW
                + ", expires_at = " + NOW + " + ? WHERE flow_id = ? AND " + condition)) {
            ps.setString(1, runnerId);
            ps.setString(2, RunnerIds.host());
            ps.setLong(3, ProcessHandle.current().pid());
            ps.setString(4, runId);
            ps.setString(5, trigger.kind());
            ps.setString(6, trigger.triggerId());
            ps.setObject(7, trigger.fireTime() == null ? null : trigger.fireTime().toEpochMilli(),
                    java.sql.Types.BIGINT);
            ps.setLong(8, leaseMillis);
            ps.setString(9, flowId);
            if (epoch >= 0) {
                ps.setLong(10, epoch);
            }
            return ps.executeUpdate() == 1;
        }
    }

    /** Claims the firing: true when no runner claimed it (or a later one) before. */
    private boolean claimFiring(Connection c, String flowId, RunTrigger t) throws SQLException {
        long fire = t.logicalTime().toEpochMilli();
        Long next = t.nextFire() == null ? null : t.nextFire().toEpochMilli();
        try (PreparedStatement ps = c.prepareStatement("UPDATE flowexport_trigger SET last_fire = ?, runner_id = ?, "
                + "claimed_at = " + NOW + ", next_fire = ? WHERE flow_id = ? AND trigger_id = ? AND last_fire < ?")) {
            ps.setLong(1, fire);
            ps.setString(2, runnerId);
            ps.setObject(3, next, java.sql.Types.BIGINT);
            ps.setString(4, flowId);
            ps.setString(5, t.triggerId());
            ps.setLong(6, fire);
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_trigger (flow_id, trigger_id, "
                + "last_fire, runner_id, claimed_at, next_fire) SELECT ?, ?, ?, ?, " + NOW + ", ? WHERE NOT EXISTS "
                + "(SELECT 1 FROM flowexport_trigger WHERE flow_id = ? AND trigger_id = ?)")) {
            ps.setString(1, flowId);
            ps.setString(2, t.triggerId());
            ps.setLong(3, fire);
            ps.setString(4, runnerId);
            ps.setObject(5, next, java.sql.Types.BIGINT);
            ps.setString(6, flowId);
            ps.setString(7, t.triggerId());
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public Renewal renew(Fence fence) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE flowexport_lease SET expires_at = " + NOW
                     + " + ? WHERE flow_id = ? AND runner_id = ? AND epoch = ?")) {
            ps.setLong(1, leaseMillis);
            ps.setString(2, fence.flowId());
            ps.setString(3, fence.runnerId());
            ps.setLong(4, fence.epoch());
            return ps.executeUpdate() == 1 ? Renewal.RENEWED : Renewal.LOST;
        } catch (SQLException e) {
            return Renewal.UNREACHABLE;
        }
    }

    /** The flow's lease row, free, unless it exists; a row inserted meanwhile by another runner is fine. */
    private static void ensureLeaseRow(Connection c, String flowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_lease (flow_id, runner_id, epoch, "
                + "acquired_at, expires_at) SELECT ?, NULL, 0, 0, 0 WHERE NOT EXISTS "
                + "(SELECT 1 FROM flowexport_lease WHERE flow_id = ?)")) {
            ps.setString(1, flowId);
            ps.setString(2, flowId);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    private static long epoch(Connection c, String flowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM flowexport_lease WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String claimedBy(Connection c, String flowId, String triggerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT runner_id FROM flowexport_trigger WHERE flow_id = ? AND trigger_id = ?")) {
            ps.setString(1, flowId);
            ps.setString(2, triggerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long elapsed(long since) {
        return System.nanoTime() - since;
    }
}
