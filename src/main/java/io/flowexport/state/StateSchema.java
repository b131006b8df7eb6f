package io.flowexport.state;

import java.util.Optional;
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

    private StateSchema() {
    }

    /**
     * Brings the state store's schema to the newest version this release knows. A schema without our history
     * table that already holds tables (a store created by a release before versioning, or a schema shared with
     * other tables) is baselined at version 0 first; V1 creates the tables of those releases only where they are
     * missing. Migrations of a newer release already applied (versions above the newest known) are accepted, so an
     * older runner keeps working against a schema a newer one migrated. What changed is logged once at INFO.
     *
     * @param dataSource  the state database; Flyway takes its own connections from it
     * @param description how to name the store in messages (its URL without credentials)
     * @return what happened, e.g. {@code schema migrated from version 1 to 2}; empty when the schema was current
     * @throws StateStoreException when the schema cannot be read or migrated (the database refuses a connection or
     *                             a statement, a migration applied earlier was changed or failed); the message
     *                             names the store and carries Flyway's reason
     */
    public static Optional<String> migrate(DataSource dataSource, String description) {
        MigrateResult result;
        try {
            result = Flyway.configure(StateSchema.class.getClassLoader())
                    .dataSource(dataSource)
                    .table("flowexport_schema_history")
                    .locations("classpath:db/flowexport")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .baselineDescription("state store of a release before schema versioning")
                    // Flyway's default, set here because an older runner depends on it: migrations that only a
                    // newer release knows are accepted instead of failing validation
                    .ignoreMigrationPatterns("*:future")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StateStoreException("cannot prepare the state store " + description + ": " + e.getMessage(), e);
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
}
