package io.flowexport.run;

import io.flowexport.config.Settings;
import io.flowexport.flow.Secrets;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Locale;

/**
 * Why the source database cannot be used, sorted into the classes an operator acts on differently: the one line a
 * command prints (or the runner logs) once, and the short form that each flow's line refers to.
 *
 * <p>The class comes from the failure and its causes ({@link #classify}); the first that matches wins, in the
 * order of {@link Kind}: no driver, login refused, unknown database, network, other. Each message names the
 * database by its URL without password, gives the driver's reason ({@link SourceFailures#reason}) and says what
 * to do once; secrets are masked ({@link Secrets#redact}, and {@code password=} in URLs the driver repeats).
 *
 * @param kind    the class of the problem
 * @param message the one line, e.g. {@code the source database jdbc:postgresql://db:5432/sales refused the login
 *                (SQLState 28P01: FATAL: password authentication failed for user "exporter"); check the user and
 *                password: flowexport.source.username / FLOWEXPORT_SOURCE_USERNAME and flowexport.source.password /
 *                FLOWEXPORT_SOURCE_PASSWORD (or the user and password in the URL)}
 * @param brief   the short form for each flow's line, after the command has printed {@code message} once, e.g.
 *                {@code the source database refused the login}
 */
public record SourceProblem(Kind kind, String message, String brief) {

    /** The classes of problems, in the order {@link #classify} tries them. */
    public enum Kind {
        /**
         * No JDBC driver accepts the URL: {@code DriverManager}'s "No suitable driver" (SQLState {@code 08001}, so
         * it is tried before {@link #NETWORK}) or HikariCP's "Failed to get driver instance for jdbcUrl=...".
         */
        NO_DRIVER("no JDBC driver for the source database is installed"),
        /**
         * The server refused the login: SQLState class {@code 28} (PostgreSQL {@code 28P01} wrong password,
         * {@code 28000} unknown role; MariaDB / MySQL {@code 28000} error 1045; H2 {@code 28000}).
         */
        AUTHENTICATION("the source database refused the login"),
        /**
         * The server answers but has no such database: PostgreSQL {@code 3D000}; MariaDB / MySQL error 1049
         * (SQLState {@code 42000}, "Unknown database"); H2 {@code 90146} / {@code 90013} (an embedded file that does
         * not exist, opened with {@code IFEXISTS=TRUE}).
         */
        UNKNOWN_DATABASE("the source database does not exist"),
        /**
         * The server cannot be reached: SQLState class {@code 08} (refused, unknown host, broken connection), a
         * connect or socket timeout, or HikariCP's timeout waiting for a connection.
         */
        NETWORK("the source database is unreachable"),
        /** Anything else (a server error while connecting, a driver's own failure). */
        OTHER("the source database cannot be used");

        private final String brief;

        Kind(String brief) {
            this.brief = brief;
        }
    }

    private static final String URL_SETTING = "flowexport.source.url / FLOWEXPORT_SOURCE_URL";

    /**
     * Classifies {@code error} and says it.
     *
     * @param error    why connecting to (or reading) the source database failed, with its causes
     * @param database how to name the database: its JDBC URL without password
     *                 ({@code io.flowexport.config.Settings#safeUrl})
     * @return the problem with its one-line message (secrets masked)
     */
    public static SourceProblem of(Throwable error, String database) {
        Kind kind = classify(error);
        // drivers may repeat the URL ("No suitable driver found for jdbc:...;password=...")
        String reason = Settings.safeUrl(SourceFailures.reason(error));
        String message = switch (kind) {
            // the runner checks the driver before it connects (app.LibDirectory#missingDriver, which names the lib
            // directory in use); this is the same advice for a failure found later
            case NO_DRIVER -> "no JDBC driver for " + database + " is installed (" + reason + "): put the database's "
                    + "JDBC driver jar in the lib directory (lib/ in the working directory, or the one FLOWEXPORT_LIB_DIR "
                    + "names) and start again, or check the jdbc:<name>: prefix of " + URL_SETTING
                    + " (README, \"Source databases\")";
            case AUTHENTICATION -> "the source database " + database + " refused the login (" + reason + "); check "
                    + "the user and password: flowexport.source.username / FLOWEXPORT_SOURCE_USERNAME and "
                    + "flowexport.source.password / FLOWEXPORT_SOURCE_PASSWORD (or the user and password in the URL)";
            case UNKNOWN_DATABASE -> "the source database " + database + " does not exist on its server (" + reason
                    + "); check the database name in " + URL_SETTING + ", or create the database";
            case NETWORK -> "the source database " + database + " is unreachable (" + reason + "); check that it is up "
                    + "and accepts connections at the host and port of " + URL_SETTING;
            case OTHER -> "the source database " + database + " cannot be used (" + reason + "); check " + URL_SETTING
                    + " and the database's log";
        };
        return new SourceProblem(kind, Secrets.redact(message), kind.brief);
    }

    /**
     * The embedded demo database does not exist and the command does not create it (only {@code run-once} and
     * {@code run} do).
     *
     * @param file the demo database's file, absolute ({@code .../data/demo.mv.db})
     * @return an {@link Kind#UNKNOWN_DATABASE} problem that says which command creates it
     */
    public static SourceProblem demoMissing(Path file) {
        return new SourceProblem(Kind.UNKNOWN_DATABASE, "the demo database " + file + " does not exist yet: "
                + "`run-once --all` (or `run`) in this directory creates it; to read your own database, set "
                + URL_SETTING, "the demo database does not exist yet");
    }

    /**
     * The class of {@code error}: the first {@link Kind} that any of its causes matches, in the order of the
     * constants.
     *
     * @param error a failure to connect to or read the source database; may be null (then {@link Kind#OTHER})
     */
    public static Kind classify(Throwable error) {
        List<Throwable> chain = SourceFailures.chain(error);
        for (Throwable t : chain) {
            String m = t.getMessage();
            if (m != null && (m.startsWith("No suitable driver") || m.contains("Failed to get driver instance"))) {
                return Kind.NO_DRIVER;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return Kind.AUTHENTICATION;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && unknownDatabase(sql)) {
                return Kind.UNKNOWN_DATABASE;
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                    || t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return Kind.NETWORK;
            }
        }
        return Kind.OTHER;
    }

    private static boolean unknownDatabase(SQLException sql) {
        String state = sql.getSQLState();
        String message = sql.getMessage() == null ? "" : sql.getMessage().toLowerCase(Locale.ROOT);
        return "3D000".equals(state)
                || "42000".equals(state) && (sql.getErrorCode() == 1049 || message.contains("unknown database"))
                || "90146".equals(state) || "90013".equals(state);
    }
}
