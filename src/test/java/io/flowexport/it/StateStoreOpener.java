package io.flowexport.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.state.JdbcStateStore;

/**
 * A child JVM of {@link StateSchemaIT}: {@code java -cp target/flow-export.jar:target/test-classes
 * io.flowexport.it.StateStoreOpener URL USER START_AT_MILLIS} waits until {@code START_AT_MILLIS} (ms since 1970),
 * so that several processes open the state store at the same moment, then opens a {@link JdbcStateStore} on a pool
 * like the runner's, prints {@code opened} and exits 0; on any failure it prints the stack trace and exits 1.
 */
public final class StateStoreOpener {

    private StateStoreOpener() {
    }

    public static void main(String[] args) throws Exception {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(args[0]);
        c.setUsername(args[1]);
        c.setMaximumPoolSize(2);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(10_000);
        try (HikariDataSource ds = new HikariDataSource(c)) {
            long wait = Long.parseLong(args[2]) - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            new JdbcStateStore(ds, "child", null).close();
            System.out.println("opened");
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
