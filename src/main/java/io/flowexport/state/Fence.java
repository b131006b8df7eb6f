package io.flowexport.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The fencing token of a run: the flow's lease as the run acquired it ({@code flowexport_lease}). A run writes
 * state (run intent, pending delivery, watermark, run history) only while the lease row still names its runner
 * and epoch; each such write checks it in its own transaction ({@link #check}), so a runner that was paused past
 * its lease (GC, SIGSTOP) and resumed after another runner took the flow over cannot move the watermark or
 * record a run.
 *
 * @param flowId   the flow
 * @param runnerId the runner that holds the lease
 * @param epoch    the lease's epoch when the run acquired it (one more at every acquisition)
 */
public record Fence(String flowId, String runnerId, long epoch) {

    /**
     * Locks the flow's lease row until the end of the transaction of {@code c} and checks that it is still this
     * fence's.
     *
     * @throws LeaseLostException when another runner holds the lease now (or acquired it since)
     * @throws SQLException       when the row cannot be read
     */
    public void check(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT runner_id, epoch FROM flowexport_lease WHERE flow_id = ? FOR UPDATE")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLostException(this, null, -1);
                }
                String holder = rs.getString(1);
                long now = rs.getLong(2);
                if (now != epoch || !runnerId.equals(holder)) {
                    throw new LeaseLostException(this, holder, now);
                }
            }
        }
    }

    /** A write refused because the flow's lease is no longer the run's (see {@link Fence}). */
    public static final class LeaseLostException extends StateStoreException {

        LeaseLostException(Fence f, String holder, long epoch) {
            super("flow '" + f.flowId() + "': runner " + f.runnerId() + " no longer holds the flow's lease (epoch "
                    + f.epoch() + "); " + (holder != null ? "runner " + holder + " holds it now (epoch " + epoch + ")"
                    : epoch >= 0 ? "it was released (epoch " + epoch + ")" : "it is gone")
                    + ", so this run writes no state: the runner that took the flow over replays it", null);
        }
    }
}
