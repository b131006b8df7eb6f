package io.flowexport.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.SourceDialect;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.DatasetKind;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SortCheckTest {

    private static Dataset dataset(String schema, String table, String... key) {
        List<Column> columns = List.of(new Column("id", ValueKind.INT64, "bigint", 0, 0, false),
                new Column("xt_batch_id", ValueKind.INT64, "bigint", 0, 0, false));
        return new Dataset(table, schema, table, columns, List.of(key), DatasetKind.OTHER);
    }

    @Test
    void orderIsTheBatchColumnThenTheKeyWithoutTheBatchColumnAgain() {
        assertThat(QueryBuilder.orderColumns(dataset("s", "t", "id"))).containsExactly("xt_batch_id", "id");
        assertThat(QueryBuilder.orderColumns(dataset("s", "t", "xt_batch_id", "id")))
                .containsExactly("xt_batch_id", "id");
        assertThat(QueryBuilder.orderColumns(dataset("s", "t"))).containsExactly("xt_batch_id");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POSTGRESQL | CREATE INDEX \"or\"\"ders_xt_batch_id_id_idx\" ON \"sales\".\"or\"\"ders\" (\"xt_batch_id\", \"id\")",
            "MARIADB    | CREATE INDEX `or\"ders_xt_batch_id_id_idx` ON `sales`.`or\"ders` (`xt_batch_id`, `id`)",
            "SQLSERVER  | CREATE INDEX [or\"ders_xt_batch_id_id_idx] ON [sales].[or\"ders] ([xt_batch_id], [id])",
            "SQLITE     | CREATE INDEX \"sales\".\"or\"\"ders_xt_batch_id_id_idx\" ON \"or\"\"ders\" (\"xt_batch_id\", \"id\")"})
    void createIndexQuotesEveryIdentifierInTheDialect(SourceDialect dialect, String expected) {
        Dataset ds = dataset("sales", "or\"ders", "id");
        assertThat(SortCheck.createIndex(ds, QueryBuilder.orderColumns(ds), new QueryBuilder(dialect)))
                .isEqualTo(expected);
    }

    @Test
    void aLongIndexNameIsShortenedWithAHashToSixtyThreeBytes() {
        String table = "ä".repeat(40);
        String name = SortCheck.indexName(table, List.of("xt_batch_id", "id"));
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(name).startsWith("ää").matches(".*_[0-9a-f]{8}");
        assertThat(SortCheck.indexName(table + "x", List.of("xt_batch_id", "id"))).isNotEqualTo(name);
        assertThat(SortCheck.indexName("orders", List.of("xt_batch_id", "id"))).isEqualTo("orders_xt_batch_id_id_idx");
    }

    @Test
    void aPlanSortsWhenTheRowsPassASortNodeAndItsShapeFollowsTheRowsNotTheInitPlan() throws SQLException {
        PgPlan incremental = PgPlan.of("[{\"Plan\": {\"Node Type\": \"Incremental Sort\", \"Plan Rows\": 1000000,"
                + " \"Plans\": [{\"Node Type\": \"Index Scan\", \"Parent Relationship\": \"Outer\","
                + " \"Index Name\": \"t_xt_batch_id_idx\", \"Relation Name\": \"t\", \"Plan Rows\": 1000000}]}}]");
        assertThat(incremental).isEqualTo(new PgPlan("Incremental Sort > Index Scan using t_xt_batch_id_idx", true,
                1_000_000));
        PgPlan parallel = PgPlan.of("[{\"Plan\": {\"Node Type\": \"Gather Merge\", \"Plan Rows\": 500, \"Plans\": ["
                + "{\"Node Type\": \"Sort\", \"Parent Relationship\": \"Outer\", \"Plan Rows\": 250, \"Plans\": ["
                + "{\"Node Type\": \"Seq Scan\", \"Parent Relationship\": \"Outer\", \"Relation Name\": \"t\"}]}]}}]");
        assertThat(parallel).isEqualTo(new PgPlan("Gather Merge > Sort > Seq Scan on t", true, 250));
        PgPlan inOrder = PgPlan.of("[{\"Plan\": {\"Node Type\": \"Index Scan\", \"Index Name\": \"t_ix\", \"Plans\": ["
                + "{\"Node Type\": \"Result\", \"Parent Relationship\": \"InitPlan\", \"Plans\": [{\"Node Type\": "
                + "\"Sort\", \"Parent Relationship\": \"Outer\", \"Plan Rows\": 1}]}]}}]");
        assertThat(inOrder.shape()).isEqualTo("Index Scan using t_ix");
        assertThat(inOrder.sorts()).isFalse(); // an InitPlan's sort does not order the exported rows
        assertThatThrownBy(() -> PgPlan.of("{\"not\": \"a plan\"}")).isInstanceOf(SQLException.class);
    }
}
