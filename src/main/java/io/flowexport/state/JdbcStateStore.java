package io.flowexport.state;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * A {@link StateStore} in a JDBC database (an embedded H2 file by default; PostgreSQL works too). Its schema is
 * created and migrated when it is opened ({@link StateSchema}): {@code flowexport_watermark},
 * {@code flowexport_pending}, {@code flowexport_intent} and {@code flowexport_runs} (the run history), and the
 * tables the runners sharing the store coordinate through ({@code flowexport_lease}, {@code flowexport_trigger},
 * {@code flowexport_runner}; see {@code io.flowexport.cluster}). Each change is one transaction; the writes of a
 * run check its {@link Fence} in that transaction. Placeholder values, remaining
 * destinations, files and destination results are JSON text; times are ISO-8601 UTC text with milliseconds, so
 * they sort as text.
 */
public final class JdbcStateStore implements StateStore {

    /**
     * The database's clock in milliseconds since 1970, in SQL that H2 and PostgreSQL both run: leases are timed by
     * it, never by a runner's own clock.
     */
    public static final String DB_NOW_MS = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Integer>> COUNTS = new TypeReference<>() { };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };
    private static final TypeReference<List<RunRecord.Destination>> DESTINATIONS = new TypeReference<>() { };
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String RUN_COLUMNS = "flow_id, run_id, flow_version, run_trigger, started_at, finished_at, "
            + "status, row_count, byte_count, first_batch, last_batch, files, destinations, error, message, "
            + "runner_id, trigger_id, fire_time";

    private final DataSource dataSource;
    private final String description;
    private final AutoCloseable owner;

    /**
     * @param dataSource  the state database; its connections must be in auto-commit mode
     * @param description how to name the store in errors (its URL without credentials)
     * @param owner       closed by {@link #close()} (e.g. the pool), or null
     * @throws StateStoreException when the schema cannot be created or migrated ({@link StateSchema})
     */
    public JdbcStateStore(DataSource dataSource, String description, AutoCloseable owner) {
        this.dataSource = dataSource;
        this.description = description;
        this.owner = owner;
        StateSchema.migrate(dataSource, description);
    }

    /** The state store's database: the runners sharing it coordinate through it too ({@code cluster}). */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public OptionalLong watermark(String flowId, String datasetId) {
        return watermarkOf(flowId).filter(w -> w.datasetId().equals(datasetId))
                .map(w -> OptionalLong.of(w.batchId())).orElse(OptionalLong.empty());
    }

    @Override
    public Optional<Watermark> watermarkOf(String flowId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT dataset_id, batch_id, run_id, updated_at "
                     + "FROM flowexport_watermark WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Watermark(flowId, rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getString(4))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read the watermark of flow '" + flowId + "' from", e);
        }
    }

    @Override
    public void commitWatermark(String flowId, String datasetId, long batchId, String runId, Fence fence) {
        inTransaction("move the watermark of flow '" + flowId + "' to batch " + batchId + " in", c -> {
            checked(c, fence);
            setWatermark(c, flowId, datasetId, batchId, runId);
            delete(c, "flowexport_intent", flowId);
        });
    }

    private static void setWatermark(Connection c, String flowId, String datasetId, long batchId, String runId)
            throws SQLException {
        String now = time(Instant.now());
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
    }

    @Override
    public Optional<PendingDelivery> pending(String flowId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT dataset_id, run_id, first_batch, last_batch, "
                     + "row_count, file, placeholder_values, remaining, last_error, created_at "
                     + "FROM flowexport_pending WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PendingDelivery(flowId, rs.getString(1), rs.getString(2), longOrNull(rs, 3),
                        longOrNull(rs, 4), rs.getLong(5), Path.of(rs.getString(6)),
                        JSON.readValue(rs.getString(7), STRINGS), JSON.readValue(rs.getString(8), COUNTS),
                        rs.getString(9), Instant.parse(rs.getString(10))));
            }
        } catch (SQLException | IOException e) {
            throw failure("read the pending delivery of flow '" + flowId + "' from", e);
        }
    }

    @Override
    public void savePending(PendingDelivery p, Fence fence) {
        inTransaction("record the pending delivery of flow '" + p.flowId() + "' in", c -> {
            checked(c, fence);
            delete(c, "flowexport_pending", p.flowId());
            delete(c, "flowexport_intent", p.flowId());
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
                ps.setString(8, json(p.values()));
                ps.setString(9, json(p.remaining()));
                ps.setString(10, cut(p.lastError(), 4000));
                ps.setString(11, p.createdAt().toString());
                ps.setString(12, Instant.now().toString());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void deletePending(String flowId, String runId, Fence fence) {
        inTransaction("forget the pending delivery of flow '" + flowId + "' in", c -> {
            checked(c, fence);
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM flowexport_pending WHERE flow_id = ? AND run_id = ?")) {
                ps.setString(1, flowId);
                ps.setString(2, runId);
                ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<RunIntent> intent(String flowId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT dataset_id, run_id, first_batch, last_batch, "
                     + "placeholder_values, created_at FROM flowexport_intent WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RunIntent(flowId, rs.getString(1), rs.getString(2), longOrNull(rs, 3),
                        longOrNull(rs, 4), JSON.readValue(rs.getString(5), STRINGS), Instant.parse(rs.getString(6))));
            }
        } catch (SQLException | IOException e) {
            throw failure("read the run intent of flow '" + flowId + "' from", e);
        }
    }

    @Override
    public void saveIntent(RunIntent i, Fence fence) {
        inTransaction("record the run intent of flow '" + i.flowId() + "' in", c -> {
            checked(c, fence);
            delete(c, "flowexport_intent", i.flowId());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_intent (flow_id, dataset_id, "
                    + "run_id, first_batch, last_batch, placeholder_values, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, i.flowId());
                ps.setString(2, i.datasetId());
                ps.setString(3, i.runId());
                ps.setObject(4, i.firstBatch());
                ps.setObject(5, i.lastBatch());
                ps.setString(6, json(i.values()));
                ps.setString(7, i.createdAt().toString());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void deleteIntent(String flowId, Fence fence) {
        inTransaction("forget the run intent of flow '" + flowId + "' in", c -> {
            checked(c, fence);
            delete(c, "flowexport_intent", flowId);
        });
    }

    @Override
    public void recordRun(RunRecord r, Instant keepAfter, Fence release) {
        inTransaction("record run " + r.runId() + " of flow '" + r.flowId() + "' in", c -> {
            checked(c, release);
            insertRun(c, r);
            if (release != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE flowexport_lease SET runner_id = NULL, "
                        + "run_id = NULL, run_trigger = NULL, trigger_id = NULL, fire_time = NULL, expires_at = "
                        + DB_NOW_MS + " WHERE flow_id = ? AND epoch = ?")) {
                    ps.setString(1, release.flowId());
                    ps.setLong(2, release.epoch());
                    ps.executeUpdate();
                }
            }
            if (keepAfter != null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM flowexport_runs WHERE finished_at < ?")) {
                    ps.setString(1, time(keepAfter));
                    ps.executeUpdate();
                }
            }
        });
    }

    private static void insertRun(Connection c, RunRecord r) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO flowexport_runs (" + RUN_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.flowId());
            ps.setString(2, r.runId());
            ps.setString(3, r.flowVersion());
            ps.setString(4, r.trigger());
            ps.setString(5, time(r.startedAt()));
            ps.setString(6, time(r.finishedAt()));
            ps.setString(7, r.status());
            ps.setLong(8, r.rows());
            ps.setLong(9, r.bytes());
            ps.setObject(10, r.firstBatch());
            ps.setObject(11, r.lastBatch());
            ps.setString(12, fitted(r.files(), 16000));
            ps.setString(13, fittedDestinations(r.destinations()));
            ps.setString(14, cut(r.error(), 4000));
            ps.setString(15, cut(r.message(), 4000));
            ps.setString(16, r.runnerId());
            ps.setString(17, r.triggerId());
            ps.setString(18, r.fireTime() == null ? null : time(r.fireTime()));
            ps.executeUpdate();
        }
    }

    @Override
    public List<RunRecord> history(String flowId, boolean failedOnly, int last) {
        return runs(flowId, failedOnly ? "failed" : null, last);
    }

    @Override
    public Optional<RunRecord> lastPublished(String flowId) {
        return runs(flowId, "ok", 1).stream().findFirst();
    }

    /** The newest {@code last} runs, of one flow or all (null), of one status or all (null). */
    private List<RunRecord> runs(String flowId, String status, int last) {
        List<String> where = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (flowId != null) {
            where.add("flow_id = ?");
            values.add(flowId);
        }
        if (status != null) {
            where.add("status = ?");
            values.add(status);
        }
        String sql = "SELECT " + RUN_COLUMNS + " FROM flowexport_runs"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY started_at DESC, finished_at DESC";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                ps.setString(i + 1, values.get(i));
            }
            ps.setMaxRows(Math.max(1, last));
            List<RunRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < last) {
                    out.add(new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.parse(rs.getString(5)), Instant.parse(rs.getString(6)), rs.getString(7),
                            rs.getLong(8), rs.getLong(9), longOrNull(rs, 10), longOrNull(rs, 11),
                            JSON.readValue(rs.getString(12), LIST), JSON.readValue(rs.getString(13), DESTINATIONS),
                            rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17),
                            rs.getString(18) == null ? null : Instant.parse(rs.getString(18))));
                }
            }
            return out;
        } catch (SQLException | IOException e) {
            throw failure("read the run history" + (flowId == null ? "" : " of flow '" + flowId + "'") + " from", e);
        }
    }

    @Override
    public Set<String> flowIds() {
        String sql = "SELECT flow_id FROM flowexport_watermark UNION SELECT flow_id FROM flowexport_pending "
                + "UNION SELECT flow_id FROM flowexport_intent UNION SELECT flow_id FROM flowexport_runs";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            Set<String> ids = new TreeSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw failure("list the flows recorded in", e);
        }
    }

    @Override
    public void reset(String flowId, String datasetId, OptionalLong to, RunRecord record) {
        inTransaction("reset flow '" + flowId + "' in", c -> {
            if (to.isPresent()) {
                setWatermark(c, flowId, datasetId, to.getAsLong(), record.runId());
            } else {
                delete(c, "flowexport_watermark", flowId);
            }
            delete(c, "flowexport_pending", flowId);
            delete(c, "flowexport_intent", flowId);
            insertRun(c, record);
        });
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

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    private interface Work {
        void run(Connection c) throws SQLException, IOException;
    }

    private void inTransaction(String what, Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | IOException e) {
            throw failure(what, e);
        }
    }

    /** Checks {@code fence} in the transaction of {@code c}, when there is one. */
    private static void checked(Connection c, Fence fence) throws SQLException {
        if (fence != null) {
            fence.check(c);
        }
    }

    private StateStoreException failure(String what, Exception e) {
        return new StateStoreException("cannot " + what + " the state store " + description + ": " + e.getMessage(),
                e);
    }

    private static void delete(Connection c, String table, String flowId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            ps.executeUpdate();
        }
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static String json(Object value) throws IOException {
        return JSON.writeValueAsString(value);
    }

    /** The list as JSON, with trailing entries dropped (and a last entry saying how many) to fit {@code max}. */
    private static String fitted(List<String> values, int max) throws IOException {
        List<String> kept = new ArrayList<>(values);
        String text = json(kept);
        while (text.length() > max && !kept.isEmpty()) {
            kept.remove(kept.size() - 1);
            List<String> shown = new ArrayList<>(kept);
            shown.add("... " + (values.size() - kept.size()) + " more");
            text = json(shown);
        }
        return text;
    }

    private static String fittedDestinations(List<RunRecord.Destination> ds) throws IOException {
        List<RunRecord.Destination> kept = new ArrayList<>();
        for (RunRecord.Destination d : ds) {
            kept.add(new RunRecord.Destination(d.name(), d.type(), cut(d.target(), 1000), d.ok(), cut(d.detail(),
                    Math.max(200, 12000 / Math.max(1, ds.size())))));
        }
        return json(kept);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String time(Instant t) {
        return TIME.format(t);
    }
}
