package io.flowexport.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.Dataset;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.FormatOptions;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference's query-generation rules, mode by dataset kind, with and without a watermark. */
class QueryBuilderTest {

    private static final java.util.List<io.flowexport.flow.DestinationSpec> FILE =
            java.util.List.of(new io.flowexport.destination.file.FileSpec("file", null, "o.csv"));

    private static final List<Column> CF = List.of(Column.of("order_id", ValueKind.INT32),
            Column.of("xt_record_type", ValueKind.STRING), Column.of("xt_batch_id", ValueKind.INT64));
    private static final List<Column> PLAIN = List.of(Column.of("order_id", ValueKind.INT32),
            Column.of("xt_batch_id", ValueKind.INT64));

    private static Dataset dataset(String kind) {
        return switch (kind) {
            case "change_feed" -> new Dataset("cf", "public", "cf", CF, List.of("xt_batch_id", "order_id"),
                    DatasetKind.CHANGE_FEED);
            case "delta_transaction" -> new Dataset("dt", "public", "orders_delta_transaction", PLAIN,
                    List.of("order_id"), DatasetKind.DELTA_TRANSACTION);
            default -> new Dataset("st", "public", "st", PLAIN, List.of(), DatasetKind.OTHER);
        };
    }

    private static ExportSpec spec(ExportMode mode, Long batch) {
        return new ExportSpec("x", null, FILE, mode, batch, FormatOptions.Csv.defaults());
    }

    @ParameterizedTest(name = "{0} {1} watermark={2}")
    @CsvSource(delimiter = '|', value = {
            "change_feed       | full         |   | ",
            "change_feed       | batch        |   | \"xt_batch_id\" = :?batch_id",
            "change_feed       | incremental  |   | \"xt_record_type\" IN (:?record_type_1, :?record_type_2)",
            "change_feed       | incremental  | 7 | \"xt_record_type\" IN (:?record_type_1, :?record_type_2) AND \"xt_batch_id\" > :?watermark",
            "change_feed       | changes_only |   | \"xt_record_type\" IN (:?record_type_1, :?record_type_2, :?record_type_3)",
            "delta_transaction | full         |   | ",
            "delta_transaction | changes_only |   | ",
            "delta_transaction | changes_only | 7 | \"xt_batch_id\" > :?watermark",
            "delta_transaction | incremental  | 7 | \"xt_batch_id\" > :?watermark",
            "other             | full         |   | ",
            "other             | incremental  |   | \"xt_batch_id\" = (SELECT MAX(\"xt_batch_id\") FROM \"public\".\"st\")",
            "other             | incremental  | 7 | \"xt_batch_id\" = (SELECT MAX(\"xt_batch_id\") FROM \"public\".\"st\") AND \"xt_batch_id\" > :?watermark",
            "other             | changes_only | 7 | \"xt_batch_id\" > :?watermark",
            "other             | batch        |   | \"xt_batch_id\" = :?batch_id",
    })
    void filterFollowsTheReference(String kind, String mode, Long watermark, String where) {
        ExportMode m = io.flowexport.flow.TomlEnum.parse(ExportMode.class, mode).orElseThrow();
        ExportQuery q = new QueryBuilder("\"").build(spec(m, m == ExportMode.BATCH ? 42L : null), dataset(kind),
                watermark == null ? OptionalLong.empty() : OptionalLong.of(watermark));
        String sql = q.sql();
        if (where == null) {
            assertThat(sql).doesNotContain(" WHERE ");
        } else {
            assertThat(sql).contains(" WHERE " + where + " ORDER BY");
        }
        assertThat(sql).contains(" ORDER BY \"xt_batch_id\"");
        assertThat(q.datasetKind().toml()).isEqualTo(kind);
    }

    @Test
    void recordTypesAndWatermarkAreBoundParameters() {
        ExportQuery q = new QueryBuilder("\"").build(spec(ExportMode.CHANGES_ONLY, null), dataset("change_feed"),
                OptionalLong.of(3));
        assertThat(q.describeParameters())
                .isEqualTo("record_type_1=new, record_type_2=changed, record_type_3=deleted, watermark=3");
        assertThat(q.jdbcSql()).contains("IN (?, ?, ?) AND \"xt_batch_id\" > ?").doesNotContain("new");
    }

    @Test
    void orderIsBatchThenPrimaryKeyAndTrackingColumnIsAppended() {
        ExportSpec spec = new ExportSpec("cf", null, FILE, ExportMode.FULL, null,
                new FormatOptions.Csv(',', true, io.flowexport.flow.TextEncoding.UTF_8, List.of("order_id")));
        ExportQuery q = new QueryBuilder("\"").build(spec, dataset("change_feed"), OptionalLong.empty());
        assertThat(q.sql()).isEqualTo("SELECT \"order_id\", \"xt_batch_id\" FROM \"public\".\"cf\" "
                + "ORDER BY \"xt_batch_id\", \"order_id\"");
        assertThat(q.outputColumns()).extracting(Column::name).containsExactly("order_id");
        assertThat(q.batchIndex()).isEqualTo(1);
        assertThat(q.selectedColumnCount()).isEqualTo(2);
    }

    @Test
    void identifiersAreQuotedWithQuotesDoubled() {
        Dataset odd = new Dataset("odd", null, "we\"ird; --", List.of(Column.of("a\"b", ValueKind.STRING)),
                List.of(), DatasetKind.OTHER);
        ExportQuery q = new QueryBuilder("\"").build(spec(ExportMode.FULL, null), odd, OptionalLong.empty());
        assertThat(q.sql()).isEqualTo("SELECT \"a\"\"b\" FROM \"we\"\"ird; --\"");
    }

    @Test
    void statedKindWinsOverDetection() {
        ExportSpec spec = new ExportSpec("st", DatasetKind.DELTA_TRANSACTION, FILE, ExportMode.INCREMENTAL,
                null, FormatOptions.Csv.defaults());
        ExportQuery q = new QueryBuilder("\"").build(spec, dataset("other"), OptionalLong.of(1));
        assertThat(q.datasetKind()).isEqualTo(DatasetKind.DELTA_TRANSACTION);
        assertThat(q.sql()).doesNotContain("MAX");
    }
}
