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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming: 1,000,000 rows of the benchmark's change-feed shape exported from PostgreSQL in each format by the
 * packaged jar in a JVM limited to a 256 MB heap. A runner that held the result set in memory would fail with
 * OutOfMemoryError.
 */
class LargeExportIT {

    private static final int ROWS = 1_000_000;
    private static final String SCHEMA = "fe_large_it";

    @TempDir
    static Path tmp;

    static Harness h;

    @BeforeAll
    static void load() throws Exception {
        h = Harness.postgres(tmp, SCHEMA);
        h.sql("CREATE TABLE big_orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL, "
                        + "quantity integer NOT NULL, total numeric(12,2) NOT NULL, discount double precision, "
                        + "note text, status varchar(16) NOT NULL, created_at timestamptz NOT NULL, "
                        + "paid boolean NOT NULL, order_date date NOT NULL, xt_record_type varchar(8) NOT NULL, "
                        + "xt_batch_id bigint NOT NULL)",
                "INSERT INTO big_orders SELECT g, (g * 7919) % 100000, (1 + g % 20)::int, "
                        + "round(((g % 100000) * 1.37)::numeric, 2), "
                        + "CASE WHEN g % 10 = 0 THEN NULL ELSE (g % 97) / 100.0 END, 'note ' || md5(g::text), "
                        + "(ARRAY['new','paid','shipped','cancelled'])[1 + g % 4], "
                        + "timestamptz '2026-01-01 00:00:00+00' + (g || ' seconds')::interval, g % 3 = 0, "
                        + "date '2026-01-01' + (g % 365)::int, "
                        + "(ARRAY['new','changed','deleted'])[1 + (g % 10 = 0)::int + (g % 25 = 0)::int], "
                        + "1 + (g - 1) / 10000 FROM generate_series(1::bigint, " + ROWS + ") AS g",
                "ANALYZE big_orders");
        for (String ext : List.of("csv", "jsonl", "parquet")) {
            h.flow(ext, "id = \"big_" + ext + "\"\n[properties.export]\nsource_dataset_id = \"big_orders\"\n"
                    + "file_path = \"big." + ext + "\"\n");
        }
    }

    private static void runInSmallHeap(String flowId) throws Exception {
        PackagedJar.runOnceInA256MbHeap(h, tmp, flowId, ROWS);
    }

    @Test
    void csvStreamsInA256MbHeap() throws Exception {
        runInSmallHeap("big_csv");
        long lines;
        try (BufferedReader r = Files.newBufferedReader(h.exportDir.resolve("big.csv"), StandardCharsets.UTF_8)) {
            lines = r.lines().count();
        }
        assertThat(lines).isEqualTo(ROWS + 1);
    }

    @Test
    void jsonLinesStreamsInA256MbHeap() throws Exception {
        runInSmallHeap("big_jsonl");
        long lines;
        try (BufferedReader r = Files.newBufferedReader(h.exportDir.resolve("big.jsonl"), StandardCharsets.UTF_8)) {
            lines = r.lines().count();
        }
        assertThat(lines).isEqualTo(ROWS);
    }

    @Test
    void parquetStreamsInA256MbHeap() throws Exception {
        runInSmallHeap("big_parquet");
        String file = h.exportDir.resolve("big.parquet").toAbsolutePath().toString();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT order_id), max(xt_batch_id) "
                     + "FROM read_parquet('" + file + "')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(ROWS);
            assertThat(rs.getLong(2)).isEqualTo(ROWS);
            assertThat(rs.getLong(3)).isEqualTo(ROWS / 10_000);
        }
    }
}
