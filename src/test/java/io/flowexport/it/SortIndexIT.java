package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code plan} says whether the source sorts an export's rows for its ORDER BY (xt_batch_id, key) and which
 * index removes the sort; {@code validate} warns once per dataset. The CREATE INDEX that {@code plan} prints is
 * run as printed, so the statement is checked to be valid in each dialect.
 */
class SortIndexIT {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "h2", "mariadb"})
    void planNamesTheIndexThatRemovesTheSortAndValidateWarnsOncePerDataset(String db) throws Exception {
        Harness h = Harness.on(db, tmp, "fe_sort_it");
        // PostgreSQL is asked for its plan: a table big enough that, with the index, reading by it beats sorting
        int rows = db.equals("postgres") ? 200_000 : 1_000;
        h.sql("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, note VARCHAR(40), "
                        + "xt_record_type VARCHAR(8) NOT NULL, xt_batch_id BIGINT NOT NULL)",
                "CREATE INDEX orders_batch ON orders (xt_batch_id)",
                "INSERT INTO orders " + series(db, rows),
                "CREATE TABLE keyed (xt_batch_id BIGINT NOT NULL, id BIGINT NOT NULL, PRIMARY KEY (xt_batch_id, id))");
        if (db.equals("postgres")) {
            h.sql("ANALYZE orders");
        }
        h.flow("full", "id = \"full\"\n[properties.export]\nsource_dataset_id = \"orders\"\n"
                + "file_path = \"full.csv\"\nexport_mode = \"full\"\n");
        h.flow("incr", "id = \"incr\"\n[properties.export]\nsource_dataset_id = \"orders\"\n"
                + "file_path = \"incr_{batch_id}.jsonl\"\nexport_mode = \"incremental\"\n");
        h.flow("keyed", "id = \"keyed\"\n[properties.export]\nsource_dataset_id = \"keyed\"\n"
                + "file_path = \"keyed.csv\"\nexport_mode = \"full\"\n");

        String plan = h.cli("plan", "full").ok().out();
        String sort = line(plan, "sort:");
        String index = line(plan, "index:");
        assertThat(sort).as(plan).startsWith("sort:        needed: ").contains("(xt_batch_id, id)");
        if (db.equals("postgres")) {
            assertThat(sort).contains("PostgreSQL plans ").containsPattern("Sort > .*orders_batch");
        }
        String q = db.equals("mariadb") ? "`" : "\"";
        String schema = db.equals("h2") ? "public" : "fe_sort_it";
        String create = "CREATE INDEX " + q + "orders_xt_batch_id_id_idx" + q + " ON " + q + schema + q + "." + q
                + "orders" + q + " (" + q + "xt_batch_id" + q + ", " + q + "id" + q + ")";
        assertThat(index).as(plan).startsWith("index:       " + create + ";");
        assertThat(line(h.cli("plan", "keyed").ok().out(), "sort:")).startsWith("sort:        none");

        Harness.Outcome v = h.cli("validate").ok();
        List<String> warnings = v.out().lines().filter(l -> l.contains(": warning: ")).toList();
        assertThat(warnings).as(v.out()).hasSize(1);
        assertThat(warnings.get(0)).startsWith(h.flows.resolve("full.toml") + ":3:1: "
                        + "properties.export.source_dataset_id: warning: the exports of flows 'full', 'incr' make the "
                        + "source database sort dataset 'orders' by (xt_batch_id, id)")
                .endsWith(": " + create);
        assertThat(v.out()).contains("0 error(s), 1 warning(s)");

        h.sql(create); // as plan printed it
        if (db.equals("postgres")) {
            h.sql("ANALYZE orders");
        }
        String after = h.cli("plan", "full").ok().out();
        assertThat(line(after, "sort:")).as(after).startsWith("sort:        none");
        if (db.equals("postgres")) {
            assertThat(line(after, "sort:")).contains("Index Scan using orders_xt_batch_id_id_idx");
        }
        assertThat(after).doesNotContain("index:       ");
        Harness.Outcome clean = h.cli("validate").ok();
        assertThat(clean.out()).as(clean.out()).doesNotContain("warning:").contains("0 error(s), 0 warning(s)");
    }

    private static String series(String db, int rows) {
        return switch (db) {
            case "postgres" -> "SELECT g, 'n' || g, 'new', 1 + (g - 1) / 1000 FROM generate_series(1, " + rows + ") g";
            case "h2" -> "SELECT \"X\", 'n' || \"X\", 'new', 1 + (\"X\" - 1) / 1000 FROM SYSTEM_RANGE(1, " + rows + ")";
            default -> "SELECT seq, CONCAT('n', seq), 'new', 1 + (seq - 1) DIV 1000 FROM seq_1_to_" + rows;
        };
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no " + prefix + " line)");
    }
}
