package io.flowexport.app;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The {@code lib/} directory: jars added to the runner without rebuilding it, for {@code java -jar}, which
 * ignores {@code -cp}. Every {@code *.jar} in it is loaded by one class loader whose parent is the runner's; each
 * JDBC driver in them is registered with {@link DriverManager} (through a wrapper, since DriverManager ignores
 * drivers of a class loader the caller cannot see), and the loader becomes the thread context class loader, from
 * which Camel finds components ({@code camel} destinations and operator routes).
 *
 * <p>The directory is {@code flowexport.lib.dir} (JVM property) or {@code FLOWEXPORT_LIB_DIR} (environment),
 * default {@code lib} in the working directory. It is read once, at start, before the {@code --config} file.
 */
public final class LibDirectory {

    /** The lib directory in use and the jars loaded from it (empty when it does not exist). */
    private static volatile Loaded loaded;

    /**
     * What was loaded.
     *
     * @param dir     the directory, absolute
     * @param jars    the jars loaded from it, by file name, sorted
     * @param drivers the JDBC driver classes registered from them
     */
    public record Loaded(Path dir, List<String> jars, List<String> drivers) {
    }

    private LibDirectory() {
    }

    /**
     * The lib directory named by the JVM property or the environment, absolute.
     *
     * @param env the environment (normally {@code System.getenv()})
     */
    public static Path directory(Map<String, String> env) {
        String dir = System.getProperty("flowexport.lib.dir");
        if (dir == null || dir.isBlank()) {
            dir = env.getOrDefault("FLOWEXPORT_LIB_DIR", "lib");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /**
     * Loads the jars of the lib directory, once per process; later calls return the first result.
     *
     * @param env the environment (normally {@code System.getenv()})
     * @return what was loaded; no jars when the directory does not exist or holds none
     * @throws IllegalStateException when a jar cannot be read or a driver in it cannot be registered
     */
    public static synchronized Loaded install(Map<String, String> env) {
        if (loaded != null) {
            return loaded;
        }
        Path dir = directory(env);
        List<URL> urls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(jar.toUri().toURL());
                    names.add(jar.getFileName().toString());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the lib directory " + dir + ": " + e.getMessage()
                        + "; fix its permissions or point FLOWEXPORT_LIB_DIR elsewhere", e);
            }
        }
        List<String> drivers = new ArrayList<>();
        if (!urls.isEmpty()) {
            URLClassLoader loader = new URLClassLoader("flowexport-lib", urls.toArray(URL[]::new),
                    LibDirectory.class.getClassLoader());
            try {
                for (Driver d : ServiceLoader.load(Driver.class, loader)) {
                    if (d.getClass().getClassLoader() == loader) {
                        DriverManager.registerDriver(new DriverShim(d));
                        drivers.add(d.getClass().getName());
                    }
                }
            } catch (SQLException | java.util.ServiceConfigurationError e) {
                throw new IllegalStateException("cannot register a JDBC driver from " + dir + ": " + e.getMessage(), e);
            }
            Thread.currentThread().setContextClassLoader(loader);
        }
        loaded = new Loaded(dir, List.copyOf(names), List.copyOf(drivers));
        return loaded;
    }

    /**
     * Why no driver accepts a JDBC URL, or empty when one does: names the URL's database (its sub-protocol), says
     * that no bundled driver nor any jar of the lib directory accepts it, and what to do.
     *
     * @param jdbcUrl the URL, already safe to print (no password)
     * @param env     the environment, for the lib directory's name
     * @return e.g. {@code no JDBC driver for jdbc:oracle:thin:@db:1521/x (database 'oracle'): ...}
     */
    public static java.util.Optional<String> missingDriver(String jdbcUrl, Map<String, String> env) {
        try {
            DriverManager.getDriver(jdbcUrl);
            return java.util.Optional.empty();
        } catch (SQLException e) {
            String[] parts = jdbcUrl.split(":", 3);
            String database = parts.length > 1 && parts[0].equalsIgnoreCase("jdbc") ? parts[1] : jdbcUrl;
            Loaded l = loaded;
            Path dir = l != null ? l.dir() : directory(env);
            String lib = l == null || l.jars().isEmpty() ? dir + " (which holds no jar)"
                    : dir + " (" + String.join(", ", l.jars()) + ")";
            return java.util.Optional.of("no JDBC driver for " + jdbcUrl + " (database '" + database + "'): the jar "
                    + "bundles PostgreSQL, H2, MariaDB/MySQL (jdbc:mariadb:), SQL Server, SQLite and DuckDB, and no jar"
                    + " in the lib directory " + lib + " accepts this URL; put the database's JDBC driver jar in "
                    + dir + " (or the directory FLOWEXPORT_LIB_DIR names) and start again, or check the URL's "
                    + "spelling (README, \"Source databases\")");
        }
    }

    /** A driver of the lib class loader, registered under the runner's class loader. */
    private record DriverShim(Driver driver) implements Driver {
        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            return driver.connect(url, info);
        }

        @Override
        public boolean acceptsURL(String url) throws SQLException {
            return driver.acceptsURL(url);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
            return driver.getPropertyInfo(url, info);
        }

        @Override
        public int getMajorVersion() {
            return driver.getMajorVersion();
        }

        @Override
        public int getMinorVersion() {
            return driver.getMinorVersion();
        }

        @Override
        public boolean jdbcCompliant() {
            return driver.jdbcCompliant();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return driver.getParentLogger();
        }
    }
}
