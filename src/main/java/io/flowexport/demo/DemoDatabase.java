package io.flowexport.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 demo database: on first start, creates and fills the datasets the reference's examples name
 * ({@code change_feed_orders}, {@code delta_transaction_orders}, {@code orders_staging},
 * {@code orders_change_feed_change_feed}, {@code orders_delta_publishing_delta_transaction}) from
 * {@code classpath:/demo/demo.sql}.
 */
public final class DemoDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabase.class);

    private DemoDatabase() {
    }

    /**
     * Creates the demo datasets unless {@code change_feed_orders} exists already, and logs where the database is
     * (its absolute file name).
     *
     * @param h2 the demo database (H2)
     * @throws IllegalStateException when the database cannot be reached or the script fails
     */
    public static void ensure(DataSource h2) {
        try (Connection c = h2.getConnection()) {
            boolean present;
            try (ResultSet rs = c.getMetaData().getTables(null, null, "change_feed_orders", null)) {
                present = rs.next();
            }
            if (present) {
                return;
            }
            try (Statement s = c.createStatement()) {
                s.execute("RUNSCRIPT FROM 'classpath:/demo/demo.sql'");
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            String path;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("CALL DATABASE_PATH()")) {
                path = rs.next() && rs.getString(1) != null ? rs.getString(1) + ".mv.db" : "(in memory)";
            }
            LOG.info("created the demo database {} with its datasets", path);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the demo database: " + e.getMessage(), e);
        }
    }
}
