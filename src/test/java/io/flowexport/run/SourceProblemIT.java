package io.flowexport.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.config.Settings;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SourceProblem} on the failures real drivers give: PostgreSQL on 127.0.0.1:5432 (an unknown role, an
 * unknown database, a closed port, an unknown host), MariaDB on 127.0.0.1:3306 (a wrong password for root, an
 * unknown database; .ci/run starts MariaDB), H2, a URL no driver accepts (through DriverManager and
 * through HikariCP). Each message names the database without password, gives the driver's reason and says what
 * to do once.
 */
class SourceProblemIT {

    @TempDir
    Path tmp;

    private static SourceProblem connect(String url, String user, String password) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            throw new AssertionError("connected to " + url);
        } catch (SQLException e) {
            return SourceProblem.of(e, Settings.safeUrl(url));
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void saysWhatToDoOnce(SourceProblem p) {
        Matcher m = Pattern.compile("\\bcheck\\b").matcher(p.message());
        int checks = 0;
        while (m.find()) {
            checks++;
        }
        assertThat(checks).as("one 'check' in: %s", p.message()).isEqualTo(1);
        assertThat(p.message()).doesNotContain("\n");
    }

    @Test
    void postgresRefusingAnUnknownRoleIsALoginProblem() {
        SourceProblem p = connect("jdbc:postgresql://127.0.0.1:5432/test", "nosuchuser", "Pw-7c1e-secret");
        assertThat(p.kind()).isEqualTo(SourceProblem.Kind.AUTHENTICATION);
        assertThat(p.message()).startsWith("the source database jdbc:postgresql://127.0.0.1:5432/test refused the "
                + "login (SQLState 28000: FATAL: role \"nosuchuser\" does not exist); check the user and password: "
                + "flowexport.source.username / FLOWEXPORT_SOURCE_USERNAME and flowexport.source.password")
                .doesNotContain("unreachable").doesNotContain("Pw-7c1e-secret");
        assertThat(p.brief()).isEqualTo("the source database refused the login");
        saysWhatToDoOnce(p);
    }

    @Test
    void postgresWithoutTheDatabaseIsAnUnknownDatabase() {
        SourceProblem p = connect("jdbc:postgresql://127.0.0.1:5432/nosuchdb", "postgres", "");
        assertThat(p.kind()).isEqualTo(SourceProblem.Kind.UNKNOWN_DATABASE);
        assertThat(p.message()).isEqualTo("the source database jdbc:postgresql://127.0.0.1:5432/nosuchdb does not "
                + "exist on its server (SQLState 3D000: FATAL: database \"nosuchdb\" does not exist); check the "
                + "database name in flowexport.source.url / FLOWEXPORT_SOURCE_URL, or create the database");
        saysWhatToDoOnce(p);
    }

    @Test
    void aClosedPortAndAnUnknownHostAreNetworkProblems() throws Exception {
        int port = closedPort();
        SourceProblem refused = connect("jdbc:postgresql://127.0.0.1:" + port + "/test?password=Url-9f2b-secret",
                "postgres", "");
        assertThat(refused.kind()).isEqualTo(SourceProblem.Kind.NETWORK);
        assertThat(refused.message()).startsWith("the source database jdbc:postgresql://127.0.0.1:" + port
                + "/test?password=**** is unreachable (SQLState 08001: Connection to 127.0.0.1:" + port + " refused")
                .endsWith("; check that it is up and accepts connections at the host and port of "
                        + "flowexport.source.url / FLOWEXPORT_SOURCE_URL")
                .doesNotContain("Url-9f2b-secret");
        saysWhatToDoOnce(refused);

        SourceProblem unknownHost = connect("jdbc:postgresql://nosuchhost.invalid:5432/test", "postgres", "");
        assertThat(unknownHost.kind()).isEqualTo(SourceProblem.Kind.NETWORK);
        assertThat(unknownHost.message()).contains("nosuchhost.invalid").contains(" is unreachable (SQLState 08001");

        SourceProblem mariaRefused = connect("jdbc:mariadb://127.0.0.1:" + port + "/test", "root", "");
        assertThat(mariaRefused.kind()).isEqualTo(SourceProblem.Kind.NETWORK);
    }

    @Test
    void mariaDbWrongPasswordAndUnknownDatabase() {
        SourceProblem wrong = connect("jdbc:mariadb://127.0.0.1:3306/test", "root", "wrong-Pw-3a8d");
        assertThat(wrong.kind()).isEqualTo(SourceProblem.Kind.AUTHENTICATION);
        assertThat(wrong.message()).contains("refused the login (SQLState 28000: ").contains("Access denied for user")
                .doesNotContain("wrong-Pw-3a8d");
        saysWhatToDoOnce(wrong);

        SourceProblem unknown = connect("jdbc:mariadb://127.0.0.1:3306/nosuchdb", "root", "");
        assertThat(unknown.kind()).isEqualTo(SourceProblem.Kind.UNKNOWN_DATABASE);
        assertThat(unknown.message()).contains("does not exist on its server (SQLState 42000: ")
                .contains("Unknown database 'nosuchdb'");
        saysWhatToDoOnce(unknown);
    }

    @Test
    void h2MissingFileWrongPasswordAndABadSetting() throws Exception {
        SourceProblem missing = connect("jdbc:h2:file:" + tmp.resolve("none") + ";IFEXISTS=TRUE", "", "");
        assertThat(missing.kind()).isEqualTo(SourceProblem.Kind.UNKNOWN_DATABASE);

        String url = "jdbc:h2:file:" + tmp.resolve("secured");
        DriverManager.getConnection(url, "exporter", "right-Pw").close();
        SourceProblem refused = connect(url, "exporter", "wrong-Pw-51c0");
        assertThat(refused.kind()).isEqualTo(SourceProblem.Kind.AUTHENTICATION);
        assertThat(refused.message()).contains("Wrong user name or password");

        SourceProblem other = connect("jdbc:h2:mem:;NOSUCHSETTING=1", "", "");
        assertThat(other.kind()).isEqualTo(SourceProblem.Kind.OTHER);
        assertThat(other.message()).startsWith("the source database jdbc:h2:mem:;NOSUCHSETTING=1 cannot be used "
                + "(SQLState 90113: Unsupported connection setting");
        saysWhatToDoOnce(other);
    }

    @Test
    void aUrlWithoutDriverIsNotANetworkProblem() {
        // DriverManager says "No suitable driver" with SQLState 08001, the network's class
        SourceProblem manager = connect("jdbc:nosuchdb://db:1521/sales;password=Drv-4e7a-secret", "u", "");
        assertThat(manager.kind()).isEqualTo(SourceProblem.Kind.NO_DRIVER);
        assertThat(manager.message()).startsWith("no JDBC driver for jdbc:nosuchdb://db:1521/sales;password=**** is "
                + "installed (SQLState 08001: No suitable driver").doesNotContain("Drv-4e7a-secret")
                .doesNotContain("unreachable");
        saysWhatToDoOnce(manager);

        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:nosuchdb://db:1521/sales");
        assertThatThrownBy(() -> new HikariDataSource(c).close()).satisfies(e ->
                assertThat(SourceProblem.classify(e)).isEqualTo(SourceProblem.Kind.NO_DRIVER));
    }
}
