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
 * tables {@code flowexport_watermark} and {@code flowexport_pending} on first use; each commit is one
 * transaction. A pending delivery's placeholder values and remaining destinations are JSON text.
 */
public final class JdbcStateStore implements StateStore {

    private static final String DDL = "CREATE TABLE IF NOT EXISTS flowexport_watermark ("
            + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
            + "batch_id BIGINT NOT NULL, run_id VARCHAR(64) NOT NULL, updated_at VARCHAR(40) NOT NULL)";

    private static final String PENDING_DDL = "CREATE TABLE IF NOT EXISTS flowexport_pending ("
            + "flow_id VARCHAR(200) NOT NULL PRIMARY KEY, dataset_id VARCHAR(400) NOT NULL, "
            + "run_id VARCHAR(64) NOT NULL, first_batch BIGINT, last_batch BIGINT, row_count BIGINT NOT NULL, "
            + "file VARCHAR(4000) NOT NULL, placeholder_values VARCHAR(8000) NOT NULL, "
            + "remaining VARCHAR(8000) NOT NULL, last_error VARCHAR(4000), created_at VARCHAR(40) NOT NULL, "
            + "updated_at VARCHAR(40) NOT NULL)";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, String>> STRINGS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Integer>> COUNTS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

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
            s.execute(PENDING_DDL);
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
    public java.util.Optional<PendingDelivery> pending(String flowId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT dataset_id, run_id, first_batch, last_batch, "
                     + "row_count, file, placeholder_values, remaining, last_error, created_at "
                     + "FROM flowexport_pending WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                long first = rs.getLong(3);
                Long firstBatch = rs.wasNull() ? null : first;
                long last = rs.getLong(4);
                Long lastBatch = rs.wasNull() ? null : last;
                return java.util.Optional.of(new PendingDelivery(flowId, rs.getString(1), rs.getString(2), firstBatch,
                        lastBatch, rs.getLong(5), java.nio.file.Path.of(rs.getString(6)),
                        JSON.readValue(rs.getString(7), STRINGS), JSON.readValue(rs.getString(8), COUNTS),
                        rs.getString(9), Instant.parse(rs.getString(10))));
            }
        } catch (SQLException | java.io.IOException e) {
            throw new StateStoreException("cannot read the pending delivery of flow '" + flowId + "' from the state "
                    + "store " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void savePending(PendingDelivery p) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM flowexport_pending WHERE flow_id = ?")) {
                    del.setString(1, p.flowId());
                    del.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_pending (flow_id, dataset_id, "
                        + "run_id, first_batch, last_batch, row_count, file, placeholder_values, remaining, "
                        + "last_error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, p.flowId());
                    ps.setString(2, p.datasetId());
                    ps.setString(3, p.runId());
                    ps.setObject(4, p.firstBatch());
                    ps.setObject(5, p.lastBatch());
                    ps.setLong(6, p.rows());
                    ps.setString(7, p.file().toString());
                    ps.setString(8, JSON.writeValueAsString(p.values()));
                    ps.setString(9, JSON.writeValueAsString(p.remaining()));
                    String error = p.lastError();
                    ps.setString(10, error == null ? null : error.substring(0, Math.min(error.length(), 4000)));
                    ps.setString(11, p.createdAt().toString());
                    ps.setString(12, Instant.now().toString());
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | java.io.IOException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | java.io.IOException e) {
            throw new StateStoreException("cannot record the pending delivery of flow '" + p.flowId()
                    + "' in the state store " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deletePending(String flowId, String runId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM flowexport_pending WHERE flow_id = ? AND run_id = ?")) {
            ps.setString(1, flowId);
            ps.setString(2, runId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStoreException("cannot forget the pending delivery of flow '" + flowId + "' in the state "
                    + "store " + description + ": " + e.getMessage(), e);
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
