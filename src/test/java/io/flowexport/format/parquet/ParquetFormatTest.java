package io.flowexport.format.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.ParquetCompression;
import io.flowexport.format.FormatFixture;
import io.flowexport.format.Writers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParquetFormatTest {

    private final ParquetFormat format = new ParquetFormat();

    @TempDir
    Path dir;

    private Path writeFixture(ParquetCompression compression) throws IOException {
        return Writers.writeFixture(format, dir.resolve("out-" + compression.toml() + ".parquet"),
                new FormatOptions.Parquet(compression, List.of()));
    }

    @Test
    void duckDbSeesTheMappedTypes() throws Exception {
        Path file = writeFixture(ParquetCompression.SNAPPY);
        assertThat(DuckDb.describe(file)).containsExactly(
                entry("id", "INTEGER"),
                entry("big", "BIGINT"),
                entry("amount", "DECIMAL(38,9)"),
                entry("free_num", "VARCHAR"),
                entry("ratio", "FLOAT"),
                entry("score", "DOUBLE"),
                entry("active", "BOOLEAN"),
                entry("day", "DATE"),
                entry("at_time", "TIME"),
                entry("local_ts", "TIMESTAMP"),
                entry("utc_ts", "TIMESTAMP WITH TIME ZONE"),
                entry("label", "VARCHAR"),
                entry("payload", "BLOB"));
    }

    @Test
    void parquetSchemaMarksRequiredAndLogicalTypes() throws Exception {
        Path file = writeFixture(ParquetCompression.SNAPPY);
        List<List<Object>> rows = DuckDb.query("SELECT name, repetition_type, logical_type::VARCHAR "
                + "FROM parquet_schema('" + file.toAbsolutePath() + "') WHERE name IN ('id', 'big', 'local_ts', "
                + "'utc_ts', 'at_time') ORDER BY name");
        assertThat(rows).extracting(r -> r.get(0) + " " + r.get(1)).containsExactly(
                "at_time OPTIONAL", "big OPTIONAL", "id REQUIRED", "local_ts OPTIONAL", "utc_ts OPTIONAL");
        assertThat(rows.get(0).get(2).toString()).contains("TimeType").contains("isAdjustedToUTC=0");
        assertThat(rows.get(3).get(2).toString()).contains("TimestampType").contains("isAdjustedToUTC=0");
        assertThat(rows.get(4).get(2).toString()).contains("TimestampType").contains("isAdjustedToUTC=1");
    }

    @Test
    void duckDbReadsBackEveryValue() throws Exception {
        assertFixture(writeFixture(ParquetCompression.SNAPPY));
    }

    @ParameterizedTest
    @EnumSource(ParquetCompression.class)
    void everyCodecWritesAFileDuckDbReads(ParquetCompression compression) throws Exception {
        Path file = writeFixture(compression);
        assertFixture(file);
        List<List<Object>> codecs = DuckDb.query("SELECT DISTINCT compression FROM parquet_metadata('"
                + file.toAbsolutePath() + "')");
        String expected = compression == ParquetCompression.NONE ? "UNCOMPRESSED"
                : compression.toml().toUpperCase(java.util.Locale.ROOT);
        assertThat(codecs).extracting(r -> r.get(0).toString()).containsExactly(expected);
    }

    private static void assertFixture(Path file) throws SQLException {
        List<List<Object>> rows = DuckDb.query("SELECT id, big, amount::VARCHAR, free_num, ratio, score, active, "
                + "day, at_time::VARCHAR, local_ts::VARCHAR, epoch_us(utc_ts), label, payload FROM "
                + DuckDb.source(file) + " ORDER BY id");
        assertThat(rows).hasSize(FormatFixture.ROWS.size());
        for (int r = 0; r < rows.size(); r++) {
            Object[] expected = FormatFixture.ROWS.get(r);
            List<Object> actual = rows.get(r);
            String what = "row " + r;
            assertThat(actual.get(0)).as(what).isEqualTo(expected[0]);
            assertThat(actual.get(1)).as(what).isEqualTo(expected[1]);
            assertDecimal(actual.get(2), (BigDecimal) expected[2], what);
            assertDecimalText(actual.get(3), (BigDecimal) expected[3], what);
            assertThat(actual.get(4)).as(what).isEqualTo(expected[4]);
            assertThat(actual.get(5)).as(what).isEqualTo(expected[5]);
            assertThat(actual.get(6)).as(what).isEqualTo(expected[6]);
            assertThat(actual.get(7) == null ? null : LocalDate.parse(actual.get(7).toString()))
                    .as(what).isEqualTo(expected[7]);
            assertThat(actual.get(8) == null ? null : LocalTime.parse((String) actual.get(8)))
                    .as(what).isEqualTo(expected[8]);
            assertThat(actual.get(9) == null ? null : LocalDateTime.parse(((String) actual.get(9)).replace(' ', 'T')))
                    .as(what).isEqualTo(expected[9]);
            assertThat(actual.get(10)).as(what).isEqualTo(expected[10] == null ? null
                    : ChronoUnit.MICROS.between(OffsetDateTime.parse("1970-01-01T00:00:00Z"),
                            (OffsetDateTime) expected[10]));
            assertThat(actual.get(11)).as(what).isEqualTo(expected[11]);
            assertThat(actual.get(12)).as(what).isEqualTo(expected[12]);
        }
    }

    private static void assertDecimal(Object actual, BigDecimal expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
        } else {
            assertThat(new BigDecimal((String) actual)).as(what).isEqualByComparingTo(expected);
            assertThat(new BigDecimal((String) actual).scale()).as(what).isEqualTo(9);
        }
    }

    private static void assertDecimalText(Object actual, BigDecimal expected, String what) {
        assertThat(actual).as(what).isEqualTo(expected == null ? null : expected.toPlainString());
    }

    @Test
    void renamesOnlyColumnsAvroCannotName() throws Exception {
        List<Column> columns = List.of(Column.of("order id", ValueKind.INT32), Column.of("order_id", ValueKind.INT32),
                Column.of("2nd", ValueKind.STRING), Column.of("prix€", ValueKind.STRING));
        Path file = Writers.write(format, dir.resolve("names.parquet"), columns,
                FormatOptions.Parquet.defaults(), List.<Object[]>of(new Object[] {1, 2, "b", "c"}));
        assertThat(DuckDb.describe(file).keySet()).containsExactly("order_id_2", "order_id", "_2nd", "prix_");
        List<List<Object>> meta = DuckDb.query("SELECT decode(value) FROM parquet_kv_metadata('"
                + file.toAbsolutePath() + "') WHERE key::VARCHAR = '" + ParquetRowWriter.SOURCE_COLUMNS_KEY + "'");
        assertThat(meta).extracting(r -> r.get(0)).containsExactly("[\"order id\",\"order_id\",\"2nd\",\"prix€\"]");
    }

    @Test
    void decimalThatDoesNotFitNamesColumnAndRow() {
        List<Column> columns = List.of(new Column("price", ValueKind.DECIMAL, "numeric", 5, 2, true));
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("d.parquet"), columns,
                FormatOptions.Parquet.defaults(),
                List.<Object[]>of(new Object[] {new BigDecimal("999.99")}, new Object[] {new BigDecimal("1000")})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("column 'price' in row 2")
                .hasMessageContaining("DECIMAL(5,2)");
    }

    @Test
    void nullInNotNullColumnFailsClearly() {
        List<Column> columns = List.of(new Column("id", ValueKind.INT64, "bigint", 0, 0, false));
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("n.parquet"), columns,
                FormatOptions.Parquet.defaults(), List.<Object[]>of(new Object[] {null})))
                .isInstanceOf(IOException.class)
                .hasMessage("column 'id' in row 1 is NULL but the column is declared NOT NULL");
    }

    @Test
    void fixedSizesFollowPrecision() {
        assertThat(AvroColumn.fixedSize(1)).isEqualTo(1);
        assertThat(AvroColumn.fixedSize(2)).isEqualTo(1);
        assertThat(AvroColumn.fixedSize(3)).isEqualTo(2);
        assertThat(AvroColumn.fixedSize(9)).isEqualTo(4);
        assertThat(AvroColumn.fixedSize(18)).isEqualTo(8);
        assertThat(AvroColumn.fixedSize(38)).isEqualTo(16);
    }
}
