package io.flowexport.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * A {@link StateStore} in a JDBC database (an embedded H2 file by default; PostgreSQL works too). Creates its
 * table {@code flowexport_watermark} on first use; each commit is one transaction.
 */
public final class JdbcStateStore implements StateStore {

    private static final String DDL = "CREATE TABLE IF NOT EXISTS flowexport_watermark ("
            + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
            + "batch_id BIGINT NOT NULL, run_id VARCHAR(64) NOT NULL, updated_at VARCHAR(40) NOT NULL)";

    private final DataSource dataSource;
    private final String description;
    private final AutoCloseable owner;

    /**
     * @param dataSource  the state database; its connections must be in auto-commit mode
     * @param description how to name the store in errors (its URL without credentials)
     * @param owner       closed by {@link #close()} (e.g. the pool), or null
     * @throws StateStoreException when the table cannot be created
     */
    public JdbcStateStore(DataSource dataSource, String description, AutoCloseable owner) {
        this.dataSource = dataSource;
        this.description = description;
        this.owner = owner;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(DDL);
        } catch (SQLException e) {
            throw new StateStoreException("cannot prepare the state store " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong watermark(String flowId, String datasetId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT batch_id FROM flowexport_watermark WHERE flow_id = ? AND dataset_id = ?")) {
            ps.setString(1, flowId);
            ps.setString(2, datasetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read the watermark of flow '" + flowId + "' from the state store "
                    + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commitWatermark(String flowId, String datasetId, long batchId, String runId) {
        String now = Instant.now().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement("UPDATE flowexport_watermark SET dataset_id = ?, "
                        + "batch_id = ?, run_id = ?, updated_at = ? WHERE flow_id = ?")) {
                    ps.setString(1, datasetId);
                    ps.setLong(2, batchId);
                    ps.setString(3, runId);
                    ps.setString(4, now);
                    ps.setString(5, flowId);
                    updated = ps.executeUpdate();
                }
                if (updated == 0) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_watermark "
                            + "(flow_id, dataset_id, batch_id, run_id, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                        ps.setString(1, flowId);
                        ps.setString(2, datasetId);
                        ps.setLong(3, batchId);
                        ps.setString(4, runId);
                        ps.setString(5, now);
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot move the watermark of flow '" + flowId + "' to batch " + batchId
                    + " in the state store " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new StateStoreException("cannot close the state store " + description, e);
            }
        }
    }
}
