package io.flowexport.run;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells a transient failure of the source database (worth reading the dataset again) from one that repeats
 * whatever the number of attempts.
 *
 * <p>Transient: a connection failure (SQLState class {@code 08}: refused, broken, I/O error), an administrator's
 * or a crash's end of the session ({@code 57P01}, {@code 57P02}, {@code 57P03}), too many connections
 * ({@code 53300}), a serialization failure or a deadlock ({@code 40001}, {@code 40P01}), any
 * {@link SQLTransientException} (among them HikariCP's "connection is not available, request timed out") or
 * {@link SQLRecoverableException}, and an {@link IOException} that a driver wrapped in an {@link SQLException}.
 *
 * <p>Never transient, even when wrapped in one of the above (HikariCP copies the SQLState of the last connection
 * failure into its timeout): wrong credentials or permissions (class {@code 28}, {@code 42501}), syntax errors,
 * missing tables or columns (class {@code 42}), bad values (class {@code 22}), constraint violations ({@code 23}),
 * an unsupported feature ({@code 0A}), a database or schema that does not exist ({@code 3D}, {@code 3F}), and a
 * cancelled statement ({@code 57014}: a run stopped on purpose). Failures without any {@link SQLException} in
 * their causes (the staged file could not be written, a destination refused the file) are not source failures.
 */
public final class SourceFailures {

    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");
    private static final Set<String> PERMANENT_CLASSES = Set.of("28", "42", "22", "23", "0A", "3D", "3F");
    private static final String CANCELLED = "57014";

    private SourceFailures() {
    }

    /**
     * Whether {@code error} (or one of its causes) is a transient failure of the source database.
     *
     * @param error a failure of a run's prepare or export step; may be null (then false)
     * @return true when reading the dataset again may succeed
     */
    public static boolean isTransient(Throwable error) {
        List<Throwable> chain = chain(error);
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && isPermanent(sql.getSQLState())) {
                return false;
            }
        }
        boolean underSql = false;
        for (Throwable t : chain) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                    return true;
                }
                underSql = true;
            } else if (underSql && t instanceof IOException) {
                return true; // the driver's socket broke: e.g. a reset connection under a vendor-specific state
            }
        }
        return false;
    }

    /**
     * What went wrong at the source, for a one-line message: the SQLState of the first {@link SQLException} that
     * has one, then the messages of the failure's causes from the first {@link SQLException} on (each message once).
     * May contain what the driver says (host, port, user), never a password (drivers do not print it).
     *
     * @return e.g. {@code SQLState 57P01: FATAL: terminating connection due to administrator command}; for a
     *         failure without any {@link SQLException}, its messages
     */
    public static String reason(Throwable error) {
        List<Throwable> chain = chain(error);
        int from = 0;
        String state = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i) instanceof SQLException) {
                from = i;
            }
        }
        for (Throwable t : chain.subList(from, chain.size())) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
                break;
            }
        }
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain.subList(from, chain.size())) {
            String m = t.getMessage();
            if (m == null || m.isBlank() || text.indexOf(m.strip()) >= 0) {
                continue;
            }
            text.append(text.length() == 0 ? "" : ": ").append(m.strip());
        }
        if (text.length() == 0) {
            text.append(chain.isEmpty() ? "unknown failure" : chain.get(from).getClass().getSimpleName());
        }
        return (state != null ? "SQLState " + state + ": " : "") + text;
    }

    private static boolean isPermanent(String state) {
        return state != null && state.length() == 5 && (PERMANENT_CLASSES.contains(state.substring(0, 2))
                || state.equals(CANCELLED));
    }

    /** The failure and its causes, each once (cause cycles end the chain); shared with {@link SourceProblem}. */
    static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
