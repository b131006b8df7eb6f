package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming from MariaDB, DuckDB and SQLite: 1,000,000 rows exported by the packaged jar in a JVM limited to a 256 MB
 * heap ({@code -XX:+ExitOnOutOfMemoryError}). MariaDB Connector/J streams with the default fetch size; DuckDB
 * streams only with {@code jdbc_stream_results}, which the runner sets.
 */
class SourceDatabasesLargeIT {

    private static final int ROWS = 1_000_000;

    @TempDir
    Path tmp;

    private static final String COLUMNS = "(order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, "
            + "total DECIMAL(12,2) NOT NULL, note VARCHAR(64), status VARCHAR(16) NOT NULL, "
            + "created_at TIMESTAMP NOT NULL, paid BOOLEAN NOT NULL, xt_record_type VARCHAR(8) NOT NULL, "
            + "xt_batch_id BIGINT NOT NULL)";

    @Test
    void mariaDbMillionRowsCsvAndParquetInA256MbHeap() throws Exception {
        Harness h = Harness.mariadb(tmp, "fe_large_it");
        h.sql("CREATE TABLE big_orders " + COLUMNS,
                "INSERT INTO big_orders SELECT seq, (seq * 7919) % 100000, ROUND((seq % 100000) * 1.37, 2), "
                        + "CONCAT('note ', MD5(seq)), ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), "
                        + "TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND, seq % 3 = 0, "
                        + "ELT(1 + (seq % 10 = 0) + (seq % 25 = 0), 'new', 'changed', 'deleted'), "
                        + "1 + (seq - 1) DIV 10000 FROM seq_1_to_" + ROWS);
        for (String ext : List.of("csv", "parquet")) {
            h.flow(ext, "id = \"big_" + ext + "\"\n[properties.export]\nsource_dataset_id = \"big_orders\"\n"
                    + "file_path = \"big." + ext + "\"\nexport_mode = \"changes_only\"\n");
        }
        PackagedJar.runOnceInA256MbHeap(h, tmp, "big_csv", ROWS);
        try (BufferedReader r = Files.newBufferedReader(h.exportDir.resolve("big.csv"), StandardCharsets.UTF_8)) {
            assertThat(r.lines().count()).isEqualTo(ROWS + 1);
        }
        PackagedJar.runOnceInA256MbHeap(h, tmp, "big_parquet", ROWS);
        assertParquet(h.exportDir.resolve("big.parquet"));
    }

    @Test
    void duckDbMillionRowsJsonLinesInA256MbHeap() throws Exception {
        Harness h = Harness.duckdb(tmp);
        h.sql("CREATE TABLE big_orders " + COLUMNS,
                "INSERT INTO big_orders SELECT g, (g * 7919) % 100000, round((g % 100000) * 1.37, 2), "
                        + "'note ' || md5(g::VARCHAR), ['new', 'paid', 'shipped', 'cancelled'][1 + g % 4], "
                        + "TIMESTAMP '2026-01-01 00:00:00' + to_seconds(g), g % 3 = 0, "
                        + "['new', 'changed', 'deleted'][1 + (g % 10 = 0)::INT + (g % 25 = 0)::INT], "
                        + "1 + (g - 1) // 10000 FROM range(1, " + (ROWS + 1) + ") t(g)");
        h.flow("jsonl", "id = \"big_jsonl\"\n[properties.export]\nsource_dataset_id = \"big_orders\"\n"
                + "file_path = \"big.jsonl\"\n");
        PackagedJar.runOnceInA256MbHeap(h, tmp, "big_jsonl", ROWS);
        try (BufferedReader r = Files.newBufferedReader(h.exportDir.resolve("big.jsonl"), StandardCharsets.UTF_8)) {
            assertThat(r.lines().count()).isEqualTo(ROWS);
        }
    }

    @Test
    void sqliteMillionRowsCsvInA256MbHeap() throws Exception {
        Harness h = Harness.sqlite(tmp);
        h.sql("CREATE TABLE big_orders " + COLUMNS,
                "INSERT INTO big_orders WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < "
                        + ROWS + ") SELECT x, (x * 7919) % 100000, round((x % 100000) * 1.37, 2), 'note ' || x, "
                        + "'new', datetime('2026-01-01', '+' || x || ' seconds'), x % 3 = 0, 'new', "
                        + "1 + (x - 1) / 10000 FROM g");
        h.flow("csv", "id = \"big_csv\"\n[properties.export]\nsource_dataset_id = \"big_orders\"\n"
                + "file_path = \"big.csv\"\n");
        PackagedJar.runOnceInA256MbHeap(h, tmp, "big_csv", ROWS);
        try (BufferedReader r = Files.newBufferedReader(h.exportDir.resolve("big.csv"), StandardCharsets.UTF_8)) {
            assertThat(r.lines().count()).isEqualTo(ROWS + 1);
        }
    }

    private static void assertParquet(Path parquet) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT order_id), max(xt_batch_id), "
                     + "sum(total) FROM read_parquet('" + parquet.toAbsolutePath() + "')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            assertThat(rs.getLong(2)).isEqualTo(ROWS);
            assertThat(rs.getLong(3)).isEqualTo(ROWS / 10_000);
        }
    }
}
