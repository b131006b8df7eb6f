package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.flowexport.cli.FlowExportCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Drives the real command line against a real source database (H2, SQLite or DuckDB file, PostgreSQL or MariaDB) with flows, a state
 * store and an export directory in a temporary directory.
 */
final class Harness {

    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String PG_USER = "postgres";
    static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    static final String MARIADB_USER = "root";

    final Path dir;
    final Path flows;
    final Path exportDir;
    final String sourceUrl;
    final String sourceUser;
    final String stateUrl;
    final Path config;

    private Harness(Path dir, String sourceUrl, String sourceUser, boolean demo) throws IOException {
        this.dir = dir;
        this.flows = Files.createDirectories(dir.resolve("flows"));
        this.exportDir = Files.createDirectories(dir.resolve("out"));
        this.sourceUrl = sourceUrl;
        this.sourceUser = sourceUser;
        // AUTO_SERVER: the test reads the state store while a runner in a child JVM has it open
        this.stateUrl = "jdbc:h2:file:" + dir.resolve("state").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        this.config = dir.resolve("application.properties");
        Files.writeString(config, String.join("\n",
                "flowexport.source.url=" + sourceUrl,
                "flowexport.source.username=" + sourceUser,
                "flowexport.state.url=" + stateUrl,
                "flowexport.export.dir=" + exportDir.toAbsolutePath(),
                "flowexport.demo=" + demo, ""));
    }

    /** An H2 file database as source. */
    static Harness h2(Path dir) throws IOException {
        return new Harness(dir, "jdbc:h2:file:" + dir.resolve("source").toAbsolutePath()
                + ";DATABASE_TO_LOWER=TRUE", "", false);
    }

    /** The H2 demo database, created by the runner on first start. */
    static Harness demo(Path dir) throws IOException {
        return new Harness(dir, "jdbc:h2:file:" + dir.resolve("demo").toAbsolutePath()
                + ";DATABASE_TO_LOWER=TRUE", "", true);
    }

    /** PostgreSQL on 127.0.0.1:5432, database test, in {@code schema} (dropped and created anew). */
    static Harness postgres(Path dir, String schema) throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        return new Harness(dir, PG_URL + "?currentSchema=" + schema, PG_USER, false);
    }

    /** MariaDB on 127.0.0.1:3306 (root, no password), in database {@code database} (dropped and created anew). */
    static Harness mariadb(Path dir, String database) throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(MARIADB_URL, MARIADB_USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
        return new Harness(dir, MARIADB_URL.replace("/test", "/" + database), MARIADB_USER, false);
    }

    /** A SQLite database file as source. */
    static Harness sqlite(Path dir) throws IOException {
        return new Harness(dir, "jdbc:sqlite:" + dir.resolve("source.sqlite").toAbsolutePath(), "", false);
    }

    /** A DuckDB database file as source. */
    static Harness duckdb(Path dir) throws IOException {
        return new Harness(dir, "jdbc:duckdb:" + dir.resolve("source.duckdb").toAbsolutePath(), "", false);
    }

    /**
     * A harness on one of the integration databases by name: {@code h2}, {@code postgres}, {@code mariadb},
     * {@code sqlite}, {@code duckdb}; {@code name} names the PostgreSQL schema or MariaDB database.
     */
    static Harness on(String db, Path dir, String name) throws IOException, SQLException {
        return switch (db) {
            case "h2" -> h2(dir);
            case "postgres" -> postgres(dir, name);
            case "mariadb" -> mariadb(dir, name);
            case "sqlite" -> sqlite(dir);
            case "duckdb" -> duckdb(dir);
            default -> throw new IllegalArgumentException("no test database " + db);
        };
    }

    /**
     * Any source database, with {@code extraConfig} lines added to the runner's properties file (e.g. a password
     * as {@code flowexport.source.password=${env:NAME}}).
     */
    static Harness custom(Path dir, String url, String user, String... extraConfig) throws IOException {
        Harness h = new Harness(dir, url, user, false);
        Files.writeString(h.config, String.join("\n", extraConfig) + "\n", java.nio.file.StandardOpenOption.APPEND);
        return h;
    }

    /** Writes {@code flows/<name>.toml}. */
    Path flow(String name, String toml) throws IOException {
        return Files.writeString(flows.resolve(name + ".toml"), toml);
    }

    /** A connection to the source database (auto-commit). */
    Connection source() throws SQLException {
        return DriverManager.getConnection(sourceUrl, sourceUser, "");
    }

    /** Runs SQL statements on the source. */
    void sql(String... statements) throws SQLException {
        try (Connection c = source(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    /** Runs the command line with {@code --flows} and {@code --config} added after the command. */
    Outcome cli(String command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(command, "--flows", flows.toString(), "--config", config.toString()));
        all.addAll(List.of(args));
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                all.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** The flow's watermark in the state store. */
    OptionalLong watermark(String flowId) throws SQLException {
        try (Connection c = DriverManager.getConnection(stateUrl);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT batch_id FROM flowexport_watermark WHERE flow_id = ?")) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("not found")) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** Every regular file under the export directory, relative, sorted (hidden temporary files included). */
    List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(exportDir)) {
            return s.filter(Files::isRegularFile).map(p -> exportDir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Reads a CSV export with Jackson's CSV reader (not the writer's library): one map per row. */
    List<Map<String, String>> csv(String relative) throws IOException {
        return csv(relative, StandardCharsets.UTF_8);
    }

    /** Reads a CSV export in {@code charset}. */
    List<Map<String, String>> csv(String relative, java.nio.charset.Charset charset) throws IOException {
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(Files.readString(exportDir.resolve(relative), charset))) {
            return it.readAll();
        }
    }

    /** The values of one column of a CSV export, in file order. */
    List<String> csvColumn(String relative, String column) throws IOException {
        return csv(relative).stream().map(r -> r.get(column)).toList();
    }

    record Outcome(int code, String out, String err) {
        Outcome ok() {
            assertThat(code).as("exit code; out:%n%s%nerr:%n%s", out, err).isZero();
            return this;
        }
    }
}
