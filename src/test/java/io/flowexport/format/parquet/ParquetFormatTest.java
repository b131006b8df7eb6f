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
import java.util.stream.Collectors;
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
    void keepsColumnNamesAvroRefused() throws Exception {
        List<Column> columns = List.of(Column.of("order id", ValueKind.INT32), Column.of("order_id", ValueKind.INT32),
                Column.of("1st", ValueKind.STRING), Column.of("prix€", ValueKind.STRING));
        Path file = Writers.write(format, dir.resolve("names.parquet"), columns,
                FormatOptions.Parquet.defaults(), List.<Object[]>of(new Object[] {1, 2, "b", "c"}));
        assertThat(DuckDb.describe(file).keySet()).containsExactly("order id", "order_id", "1st", "prix€");
        assertThat(DuckDb.query("SELECT \"order id\", order_id, \"1st\", \"prix€\" FROM " + DuckDb.source(file)))
                .containsExactly(List.of(1, 2, "b", "c"));
    }

    @Test
    void decimalsUseTheSmallestPhysicalTypeAndRoundTrip() throws Exception {
        List<Column> columns = List.of(new Column("p5", ValueKind.DECIMAL, "numeric", 5, 2, true),
                new Column("p15", ValueKind.DECIMAL, "numeric", 15, 4, true),
                new Column("p38", ValueKind.DECIMAL, "numeric", 38, 10, false));
        List<Object[]> rows = List.of(
                new Object[] {new BigDecimal("-999.99"), new BigDecimal("-99999999999.9999"),
                    new BigDecimal("-9999999999999999999999999999.9999999999")},
                new Object[] {new BigDecimal("999.99"), new BigDecimal("99999999999.9999"),
                    new BigDecimal("9999999999999999999999999999.9999999999")},
                new Object[] {new BigDecimal("-0.01"), new BigDecimal("-1"), new BigDecimal("-1E-10")},
                new Object[] {new BigDecimal("1.5"), new BigDecimal("0.0001"), new BigDecimal("-128")},
                new Object[] {null, null, BigDecimal.ZERO});
        Path file = Writers.write(format, dir.resolve("decimals.parquet"), columns,
                FormatOptions.Parquet.defaults(), rows);

        List<List<Object>> schema = DuckDb.query("SELECT name, type, type_length, repetition_type, scale, precision "
                + "FROM parquet_schema('" + file.toAbsolutePath() + "') WHERE name LIKE 'p%' ORDER BY name");
        assertThat(schema).extracting(r -> r.stream().map(String::valueOf).collect(Collectors.joining(" ")))
                .containsExactly("p15 INT64 null OPTIONAL 4 15", "p38 FIXED_LEN_BYTE_ARRAY 16 REQUIRED 10 38",
                        "p5 INT32 null OPTIONAL 2 5");
        assertThat(DuckDb.describe(file)).containsExactly(
                entry("p5", "DECIMAL(5,2)"), entry("p15", "DECIMAL(15,4)"), entry("p38", "DECIMAL(38,10)"));

        List<List<Object>> back = DuckDb.query("SELECT p5::VARCHAR, p15::VARCHAR, p38::VARCHAR FROM "
                + DuckDb.source(file));
        assertThat(back).hasSize(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                BigDecimal expected = (BigDecimal) rows.get(r)[c];
                Object actual = back.get(r).get(c);
                if (expected == null) {
                    assertThat(actual).as("row %d column %d", r, c).isNull();
                } else {
                    BigDecimal read = new BigDecimal((String) actual);
                    assertThat(read).as("row %d column %d", r, c).isEqualByComparingTo(expected);
                    assertThat(read.scale()).as("row %d column %d", r, c).isEqualTo(columns.get(c).scale());
                }
            }
        }
    }

    @Test
    void decimalThatNeedsRoundingNamesColumnAndRow() {
        List<Column> columns = List.of(new Column("rate", ValueKind.DECIMAL, "numeric", 15, 2, true));
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("r.parquet"), columns,
                FormatOptions.Parquet.defaults(), List.<Object[]>of(new Object[] {new BigDecimal("0.125")})))
                .isInstanceOf(IOException.class)
                .hasMessage("column 'rate' in row 1: value 0.125 has more than 2 decimal places");
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
    void aTimestampBeyondTheMicrosecondRangeNamesTheValue() {
        List<Column> columns = List.of(new Column("ts", ValueKind.TIMESTAMP, "timestamp", 0, 6, true));
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("t.parquet"), columns,
                FormatOptions.Parquet.defaults(), List.<Object[]>of(
                        new Object[] {java.time.LocalDateTime.of(2020, 1, 1, 0, 0)},
                        new Object[] {java.time.LocalDateTime.of(294270, 1, 1, 0, 0)})))
                .isInstanceOf(io.flowexport.format.UnwritableValueException.class)
                .hasMessageStartingWith("column 'ts' in row 2: timestamp +294270-01-01T00:00 is beyond what Parquet's "
                        + "TIMESTAMP(MICROS) holds");
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
        assertThat(DecimalWriters.fixedSize(1)).isEqualTo(1);
        assertThat(DecimalWriters.fixedSize(2)).isEqualTo(1);
        assertThat(DecimalWriters.fixedSize(3)).isEqualTo(2);
        assertThat(DecimalWriters.fixedSize(9)).isEqualTo(4);
        assertThat(DecimalWriters.fixedSize(18)).isEqualTo(8);
        assertThat(DecimalWriters.fixedSize(19)).isEqualTo(9);
        assertThat(DecimalWriters.fixedSize(38)).isEqualTo(16);
    }
}
