package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every export mode on every dataset kind, through the real command line and Camel routes, on H2, PostgreSQL,
 * MariaDB, SQLite and DuckDB; files read back with Jackson's CSV reader.
 */
class ExportModesIT {

    @TempDir
    Path tmp;

    private Harness harness(String db) throws Exception {
        Harness h = Harness.on(db, tmp, "fe_modes_it");
        h.sql(
                "CREATE TABLE cf_orders (order_id INTEGER NOT NULL, customer_id INTEGER, total DECIMAL(12,2), "
                        + "note VARCHAR(100), xt_record_type VARCHAR(16) NOT NULL, xt_batch_id BIGINT NOT NULL, "
                        + "PRIMARY KEY (xt_batch_id, order_id))",
                "INSERT INTO cf_orders VALUES (2, 10, 20.00, 'b', 'new', 1), (1, 10, 10.50, 'a', 'new', 1), "
                        + "(3, 11, 30.00, NULL, 'new', 1), (4, 12, 40.00, 'd', 'new', 1), "
                        + "(1, 10, 11.50, 'a2', 'changed', 2), (2, 10, 20.00, 'b', 'deleted', 2), "
                        + "(3, 11, 30.00, NULL, 'unchanged', 2), (5, 13, 50.00, 'e', 'new', 2)",
                "CREATE TABLE orders_delta_transaction (order_id INTEGER NOT NULL, total DECIMAL(12,2), "
                        + "xt_operation VARCHAR(8), xt_batch_id BIGINT NOT NULL, PRIMARY KEY (xt_batch_id, order_id))",
                "INSERT INTO orders_delta_transaction VALUES (1, 10.00, 'insert', 1), (2, 20.00, 'insert', 1), "
                        + "(1, 15.00, 'update', 2)",
                "CREATE TABLE staging_orders (order_id INTEGER NOT NULL, total DECIMAL(12,2), "
                        + "xt_batch_id BIGINT NOT NULL, PRIMARY KEY (xt_batch_id, order_id))",
                "INSERT INTO staging_orders VALUES (1, 1.00, 1), (2, 2.00, 1), (1, 1.10, 2), (2, 2.20, 2), "
                        + "(3, 3.30, 2)");
        return h;
    }

    private static String flow(String id, String dataset, String path, String mode, String extra) {
        return "id = \"" + id + "\"\nflow_type = \"export_flow\"\n[properties.export]\nsource_dataset_id = \""
                + dataset + "\"\nfile_path = \"" + path + "\"\nexport_mode = \"" + mode + "\"\n" + extra;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void changeFeedFullExportsEveryRecordTypeInBatchThenKeyOrder(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("cf_full", "cf_orders", "full.csv", "full", ""));
        java.nio.file.Files.writeString(h.exportDir.resolve(".flowexport-cf_full-20260101T000000Z-abcdef.tmp"),
                "left by a crashed run");
        h.cli("run-once", "--all").ok();
        assertThat(h.files()).as("the crashed run's temporary file is removed").containsExactly("full.csv");
        List<java.util.Map<String, String>> rows = h.csv("full.csv");
        assertThat(rows).extracting(r -> r.get("xt_batch_id") + ":" + r.get("order_id") + ":" + r.get("xt_record_type"))
                .containsExactly("1:1:new", "1:2:new", "1:3:new", "1:4:new",
                        "2:1:changed", "2:2:deleted", "2:3:unchanged", "2:5:new");
        assertThat(rows.get(0)).containsEntry("total", "10.50").containsEntry("note", "a");
        assertThat(rows.get(2)).containsEntry("note", "");
        assertThat(h.watermark("cf_full")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void batchModeExportsTheConfiguredBatchUnderItsId(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("cf_batch", "cf_orders", "b/batch_{batch_id}.csv", "batch", "batch_id = 2\n"));
        h.cli("run-once", "cf_batch").ok();
        assertThat(h.files()).containsExactly("b/batch_2.csv");
        assertThat(h.csvColumn("b/batch_2.csv", "order_id")).containsExactly("1", "2", "3", "5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void changeFeedIncrementalExportsNewBatchesOnlyThenNothing(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("cf_inc", "cf_orders", "inc/orders_{batch_id}.csv", "incremental", ""));

        Harness.Outcome first = h.cli("run-once", "cf_inc").ok();
        assertThat(first.out()).contains("cf_inc").contains("rows=6").contains("batches=1..2");
        assertThat(h.csv("inc/orders_2.csv")).extracting(r -> r.get("xt_batch_id") + ":" + r.get("order_id"))
                .containsExactly("1:1", "1:2", "1:3", "1:4", "2:1", "2:5");
        assertThat(h.watermark("cf_inc")).hasValue(2);

        h.sql("INSERT INTO cf_orders VALUES (6, 14, 60.00, 'f', 'new', 3), (4, 12, 41.00, 'd2', 'changed', 3), "
                + "(5, 13, 50.00, 'e', 'deleted', 3), (1, 10, 11.50, 'a2', 'unchanged', 3)");
        Harness.Outcome second = h.cli("run-once", "cf_inc").ok();
        assertThat(second.out()).contains("rows=2").contains("batches=3 ");
        assertThat(h.csv("inc/orders_3.csv")).extracting(r -> r.get("order_id") + ":" + r.get("xt_record_type"))
                .containsExactly("4:changed", "6:new");
        assertThat(h.watermark("cf_inc")).hasValue(3);

        Harness.Outcome third = h.cli("run-once", "cf_inc").ok();
        assertThat(third.out()).contains("nothing new").contains("above batch 3").contains("file=-");
        assertThat(h.files()).containsExactly("inc/orders_2.csv", "inc/orders_3.csv");
        assertThat(h.watermark("cf_inc")).hasValue(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void changeFeedChangesOnlyIncludesDeletedButNotUnchanged(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("cf_changes", "cf_orders", "changes.csv", "changes_only", ""));
        h.cli("run-once", "cf_changes").ok();
        assertThat(h.csv("changes.csv")).extracting(r -> r.get("xt_batch_id") + ":" + r.get("xt_record_type"))
                .containsExactly("1:new", "1:new", "1:new", "1:new", "2:changed", "2:deleted", "2:new");
        assertThat(h.watermark("cf_changes")).hasValue(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void deltaTransactionsFullChangesOnlyAndIncremental(String db) throws Exception {
        Harness h = harness(db);
        h.flow("a", flow("dt_full", "orders_delta_transaction", "dt_full.csv", "full", ""));
        h.flow("b", flow("dt_changes", "orders_delta_transaction", "dt_changes_{batch_id}.csv", "changes_only", ""));
        h.flow("c", flow("dt_inc", "orders_delta_transaction", "dt_inc_{batch_id}.csv", "incremental", ""));
        h.cli("run-once", "--all").ok();
        assertThat(h.csv("dt_full.csv")).hasSize(3);
        assertThat(h.csv("dt_changes_2.csv")).hasSize(3);
        assertThat(h.csv("dt_inc_2.csv")).hasSize(3);

        h.sql("INSERT INTO orders_delta_transaction VALUES (2, 0.00, 'delete', 3)");
        h.cli("run-once", "dt_changes", "dt_inc").ok();
        assertThat(h.csvColumn("dt_changes_3.csv", "xt_operation")).containsExactly("delete");
        assertThat(h.csvColumn("dt_inc_3.csv", "xt_operation")).containsExactly("delete");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void otherDatasetIncrementalExportsTheLatestBatchOnce(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("st_inc", "staging_orders", "st/latest_{batch_id}.csv", "incremental", ""));
        h.cli("run-once", "st_inc").ok();
        assertThat(h.csvColumn("st/latest_2.csv", "total")).containsExactly("1.10", "2.20", "3.30");
        assertThat(h.watermark("st_inc")).hasValue(2);

        assertThat(h.cli("run-once", "st_inc").ok().out()).contains("nothing new");
        h.sql("INSERT INTO staging_orders VALUES (1, 1.11, 3)");
        h.cli("run-once", "st_inc").ok();
        assertThat(h.csvColumn("st/latest_3.csv", "total")).containsExactly("1.11");
        assertThat(h.files()).containsExactly("st/latest_2.csv", "st/latest_3.csv");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void otherDatasetChangesOnlyExportsEveryBatchAboveTheWatermark(String db) throws Exception {
        Harness h = harness(db);
        h.flow("f", flow("st_changes", "staging_orders", "st/changes_{batch_id}.csv", "changes_only", ""));
        h.cli("run-once", "st_changes").ok();
        assertThat(h.csv("st/changes_2.csv")).hasSize(5);
        h.sql("INSERT INTO staging_orders VALUES (1, 1.11, 3), (2, 2.22, 4)");
        h.cli("run-once", "st_changes").ok();
        assertThat(h.csv("st/changes_4.csv")).extracting(r -> r.get("xt_batch_id")).containsExactly("3", "4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres", "mariadb", "sqlite", "duckdb"})
    void failedRunLeavesNoFileAndKeepsTheWatermarkWhileOtherFlowsRun(String db) throws Exception {
        Harness h = harness(db);
        h.flow("bad", flow("cf_latin1", "cf_orders", "latin/orders_{batch_id}.csv", "incremental",
                "format = \"csv\"\nexporter_config = { encoding = \"latin-1\" }\n"));
        h.flow("good", flow("cf_full", "cf_orders", "full.csv", "full", ""));
        h.cli("run-once", "cf_latin1").ok();
        assertThat(h.watermark("cf_latin1")).hasValue(2);

        h.sql("INSERT INTO cf_orders VALUES (7, 15, 70.00, 'Grüße', 'new', 3), (8, 15, 80.00, '東京', 'new', 3)");
        Harness.Outcome failed = h.cli("run-once", "--all");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("cf_latin1").contains("failed")
                .contains("column 'note'").contains("latin-1").contains("U+6771");
        assertThat(failed.out()).containsPattern("cf_full +ok +rows=10");
        assertThat(h.files()).containsExactly("full.csv", "latin/orders_2.csv");
        assertThat(h.watermark("cf_latin1")).isEqualTo(OptionalLong.of(2));

        h.sql("UPDATE cf_orders SET note = 'Tokyo' WHERE order_id = 8");
        h.cli("run-once", "cf_latin1").ok();
        assertThat(h.csv("latin/orders_3.csv", java.nio.charset.StandardCharsets.ISO_8859_1))
                .extracting(r -> r.get("order_id") + ":" + r.get("note")).containsExactly("7:Grüße", "8:Tokyo");
        assertThat(h.watermark("cf_latin1")).hasValue(3);
    }
}
