package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.dataset.DatasetCatalogException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

class SourceFailuresTest {

    /** A failure as the runner sees it: wrapped by the step that failed. */
    private static RunException wrapped(Throwable cause) {
        return new RunException("flow 'f': reading dataset 'd' failed: " + cause.getMessage(), cause);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("terminated by pg_terminate_backend", wrapped(new SQLException(
                        "FATAL: terminating connection due to administrator command", "57P01")),
                        true),
                Arguments.of("crash shutdown", wrapped(new SQLException("crash", "57P02")), true),
                Arguments.of("cannot connect now (starting up)", wrapped(new SQLException("starting", "57P03")), true),
                Arguments.of("too many connections", wrapped(new SQLException("too many clients", "53300")), true),
                Arguments.of("serialization failure", wrapped(new SQLException("could not serialize", "40001")), true),
                Arguments.of("deadlock", wrapped(new SQLException("deadlock detected", "40P01")), true),
                Arguments.of("connection refused", wrapped(new PSQLException("Connection to 127.0.0.1:1 refused",
                        PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("Connection refused"))), true),
                Arguments.of("I/O error (class 08)", wrapped(new PSQLException("An I/O error occurred",
                        PSQLState.CONNECTION_FAILURE, new SocketException("Connection reset"))), true),
                Arguments.of("I/O error under a vendor state", wrapped(new SQLException("connection broken", "90067",
                        new EOFException())), true),
                Arguments.of("I/O error without a state", wrapped(new SQLException("broken", (String) null,
                        new SocketException("Broken pipe"))), true),
                Arguments.of("SQLTransientException", wrapped(new SQLTimeoutException("timed out")), true),
                Arguments.of("SQLRecoverableException", wrapped(new SQLRecoverableException("reconnect")), true),
                Arguments.of("HikariCP timeout, database down", new DatasetCatalogException("cannot read dataset 'd'",
                        new SQLTransientConnectionException("flowexport-source - Connection is not available, request "
                                + "timed out after 10000ms", "08001", new PSQLException("Connection refused",
                                PSQLState.CONNECTION_UNABLE_TO_CONNECT))), true),
                Arguments.of("HikariCP pool exhausted, no state", wrapped(new SQLTransientConnectionException(
                        "Connection is not available, request timed out after 10000ms")), true),
                Arguments.of("a closed connection (class 08 on a non-transient type)", wrapped(
                        new SQLNonTransientConnectionException("This connection has been closed.", "08003")), true),
                Arguments.of("wrong password inside a HikariCP timeout", wrapped(new SQLTransientConnectionException(
                        "Connection is not available", "28P01", new PSQLException("password authentication failed",
                                PSQLState.INVALID_PASSWORD))), false),
                Arguments.of("permission denied", wrapped(new SQLException("permission denied for table t", "42501")),
                        false),
                Arguments.of("syntax error", wrapped(new SQLSyntaxErrorException("syntax error at or near", "42601")),
                        false),
                Arguments.of("missing table", wrapped(new SQLException("relation \"t\" does not exist", "42P01")),
                        false),
                Arguments.of("missing column", wrapped(new SQLException("column \"c\" does not exist", "42703")),
                        false),
                Arguments.of("bad value", wrapped(new SQLException("invalid input syntax for type integer", "22P02")),
                        false),
                Arguments.of("database does not exist", wrapped(new SQLException("database \"x\" does not exist",
                        "3D000")), false),
                Arguments.of("statement cancelled (run stopped)", wrapped(new PSQLException(
                        "canceling statement due to user request", PSQLState.QUERY_CANCELED)), false),
                Arguments.of("the staged file could not be written",
                        wrapped(new IOException("No space left on device")), false),
                Arguments.of("a destination refused the file", new RunException("flow 'f': delivery failed to http "
                        + "'api': 503", null), false),
                Arguments.of("a vendor error without state or I/O cause", wrapped(new SQLException("odd")), false),
                Arguments.of("no failure", null, false));
    }

    @ParameterizedTest(name = "{0}: transient = {2}")
    @MethodSource("failures")
    void classifiesSourceFailures(String name, Throwable failure, boolean transientFailure) {
        assertThat(SourceFailures.isTransient(failure)).isEqualTo(transientFailure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void reasonIsOneLineWithoutTheWrappersText(String name, Throwable failure, boolean ignored) {
        String reason = SourceFailures.reason(failure);
        assertThat(reason).isNotBlank().doesNotContain("\n");
    }

    @org.junit.jupiter.api.Test
    void reasonNamesTheSqlStateAndTheDriversMessages() {
        RunException e = wrapped(new SQLException("FATAL: terminating connection due to administrator command",
                "57P01"));
        assertThat(SourceFailures.reason(e))
                .isEqualTo("SQLState 57P01: FATAL: terminating connection due to administrator command");

        DatasetCatalogException down = new DatasetCatalogException("cannot read dataset 'd'",
                new SQLTransientConnectionException("pool - Connection is not available", "08001",
                        new PSQLException("Connection to 127.0.0.1:1 refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                                new ConnectException("Connection refused"))));
        assertThat(SourceFailures.reason(down)).isEqualTo("SQLState 08001: pool - Connection is not available: "
                + "Connection to 127.0.0.1:1 refused: Connection refused");

        assertThat(SourceFailures.reason(new IOException("disk full"))).isEqualTo("disk full");
    }
}
