package io.flowexport.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store's schema: versioned migrations ({@code src/main/resources/db/flowexport/V*.sql}, classpath
 * location {@code db/flowexport}) applied by Flyway, which records them in its own history table
 * {@code flowexport_schema_history}, so that it never meets an application's {@code flyway_schema_history} in a
 * shared schema. Flyway serialises concurrent starts (a PostgreSQL advisory lock; on H2 a lock on the history
 * table), so several runners may open a fresh store at the same moment.
 */
public final class StateSchema {

    private static final Logger LOG = LoggerFactory.getLogger(StateSchema.class);
    private static final String HISTORY_TABLE = "flowexport_schema_history";

    private StateSchema() {
    }

    /**
     * Brings the state store's schema to the newest version this release knows. A schema without our history
     * table that already holds tables (a store created by a release before versioning, or a schema shared with
     * other tables) is baselined at version 0 first; V1 creates the tables of those releases only where they are
     * missing. Migrations of a newer release already applied (versions above the newest known) are accepted, so an
     * older runner keeps working against a schema a newer one migrated. On a store without our history table a
     * failed attempt is made once more: a runner that raced another one on a fresh store succeeds then.
     * What changed is logged once at INFO.
     *
     * @param dataSource  the state database; Flyway takes its own connections from it
     * @param description how to name the store in messages (its URL without credentials)
     * @return what happened, e.g. {@code schema migrated from version 1 to 2}; empty when the schema was current
     * @throws StateStoreException when the schema cannot be read or migrated (the database refuses a connection or
     *                             a statement, a migration applied earlier was changed or failed); the message
     *                             names the store and carries Flyway's reason
     */
    public static Optional<String> migrate(DataSource dataSource, String description) {
        Flyway flyway = Flyway.configure(StateSchema.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations("classpath:db/flowexport")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("state store of a release before schema versioning")
                // Flyway's default, set here because an older runner depends on it: migrations that only a
                // newer release knows are accepted instead of failing validation
                .ignoreMigrationPatterns("*:future")
                .load();
        boolean historyExisted;
        try (Connection c = dataSource.getConnection()) {
            historyExisted = historyTableExists(c);
        } catch (SQLException e) {
            throw new StateStoreException("cannot prepare the state store " + description + ": " + e.getMessage(), e);
        }
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (FlywayException first) {
            // Flyway decides to baseline outside its lock: it finds no history table, then a non-empty schema. When
            // another runner creates the history table of a fresh store in between, this one baselines a table
            // that has just been created and fails ("Unable to baseline ... as it already exists"). A second
            // attempt finds the history table and waits for the lock. If it fails too, the first failure is the
            // one to report (e.g. a migration that failed on H2 is then only "Detected failed migration").
            if (historyExisted) {
                throw failure(description, first);
            }
            LOG.debug("state store {}: schema migration failed, trying once more: {}", description,
                    first.getMessage());
            try {
                result = flyway.migrate();
            } catch (FlywayException second) {
                first.addSuppressed(second);
                throw failure(description, first);
            }
        }
        if (result.migrationsExecuted == 0) {
            return Optional.empty();
        }
        String what = result.initialSchemaVersion == null
                ? "schema created at version " + result.targetSchemaVersion
                : "schema migrated from version " + result.initialSchemaVersion + " to " + result.targetSchemaVersion;
        LOG.info("state store {}: {}", description, what);
        return Optional.of(what);
    }

    /**
     * The error as the command line prints it, on one line: Flyway's message spreads over several (a ruler, then
     * {@code SQL State}, {@code Message}, {@code Location}, {@code Statement}; or a validation's findings), which
     * are joined with "; ". Without Flyway's "Statement : Run Flyway with -X option to see the actual statement",
     * advice for its own command line (the statement is shown at DEBUG only); {@code Location} and {@code Line}
     * say where it is.
     */
    private static StateStoreException failure(String description, FlywayException e) {
        String message = String.valueOf(e.getMessage()).lines().map(l -> l.strip().replaceAll("\\s+", " "))
                .filter(l -> !l.isEmpty() && !l.matches("-+") && !l.startsWith("Statement : Run Flyway with -X"))
                .collect(Collectors.joining("; "));
        return new StateStoreException("cannot prepare the state store " + description + ": " + message, e);
    }

    /** Whether our history table exists in the connection's current schema, where Flyway keeps it. */
    private static boolean historyTableExists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), HISTORY_TABLE, null)) {
            return rs.next();
        }
    }
}
