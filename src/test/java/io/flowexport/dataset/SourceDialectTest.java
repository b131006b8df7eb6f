package io.flowexport.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.DatasetKind;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.FormatOptions;
import io.flowexport.query.ExportQuery;
import io.flowexport.query.QueryBuilder;
import java.sql.Types;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each source dialect's URL prefixes, identifier quoting, type mapping (as its driver reports the types in
 * {@code DatabaseMetaData.getColumns}) and the SQL of an incremental export. SQL Server has no server here: its
 * dialect is checked by these tests and, against a real server, by {@code SqlServerAccountIT} (README).
 */
class SourceDialectTest {

    @ParameterizedTest
    @CsvSource({
            "jdbc:postgresql://db/x, POSTGRESQL", "jdbc:h2:mem:x, H2", "jdbc:mariadb://db/x, MARIADB",
            "jdbc:mysql://db/x, MARIADB", "jdbc:sqlserver://db;databaseName=x, SQLSERVER",
            "jdbc:sqlite:/tmp/x.db, SQLITE", "jdbc:duckdb:/tmp/x.duckdb, DUCKDB", "jdbc:oracle:thin:@db:1521/x, GENERIC",
            "JDBC:MARIADB://db/x, MARIADB"})
    void theDialectComesFromTheUrlPrefix(String url, SourceDialect expected) {
        assertThat(SourceDialect.of(url)).isEqualTo(expected);
    }

    @Test
    void identifiersAreQuotedTheDatabasesWayWithQuotesInsideDoubled() {
        assertThat(SourceDialect.SQLSERVER.quote("order id")).isEqualTo("[order id]");
        assertThat(SourceDialect.SQLSERVER.quote("a]b")).isEqualTo("[a]]b]");
        assertThat(SourceDialect.MARIADB.quote("a`b")).isEqualTo("`a``b`");
        assertThat(SourceDialect.POSTGRESQL.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(SourceDialect.DUCKDB.quote("select")).isEqualTo("\"select\"");
    }

    /** As mssql-jdbc 13 reports them: DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS. */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "-155, datetimeoffset,   34, 7, TIMESTAMP_TZ, 0, 0",
            "93,   datetime2,        27, 7, TIMESTAMP,    0, 0",
            "93,   datetime,         23, 3, TIMESTAMP,    0, 0",
            "93,   smalldatetime,    16, 0, TIMESTAMP,    0, 0",
            "91,   date,             10, 0, DATE,         0, 0",
            "92,   time,             16, 7, TIME,         0, 0",
            "3,    money,            19, 4, DECIMAL,     19, 4",
            "3,    smallmoney,       10, 4, DECIMAL,     10, 4",
            "3,    decimal,          38, 9, DECIMAL,     38, 9",
            "2,    numeric,          12, 2, DECIMAL,     12, 2",
            "1,    uniqueidentifier, 36, 0, STRING,       0, 0",
            "-9,   nvarchar,         50, 0, STRING,       0, 0",
            "-15,  nchar,            10, 0, STRING,       0, 0",
            "-16,  ntext,    1073741823, 0, STRING,       0, 0",
            "-16,  xml,      1073741823, 0, STRING,       0, 0",
            "-7,   bit,               1, 0, BOOLEAN,      0, 0",
            "-6,   tinyint,           3, 0, INT32,        0, 0",
            "5,    smallint,          5, 0, INT32,        0, 0",
            "4,    int,              10, 0, INT32,        0, 0",
            "-5,   bigint,           19, 0, INT64,        0, 0",
            "7,    real,             24, 0, FLOAT32,      0, 0",
            "8,    float,            53, 0, FLOAT64,      0, 0",
            "-3,   varbinary,       100, 0, BINARY,       0, 0",
            "-2,   timestamp,         8, 0, BINARY,       0, 0",
    })
    void sqlServerTypes(int jdbcType, String name, int size, int digits, ValueKind kind, int precision, int scale) {
        assertThat(SourceDialect.SQLSERVER.typingOf(jdbcType, name, size, digits))
                .isEqualTo(new SourceDialect.Typing(kind, precision, scale));
    }

    /** As MariaDB Connector/J 3.5 reports them (checked against MariaDB 10.11 on this machine). */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "-5,  BIGINT UNSIGNED, 20,  0, DECIMAL,     20, 0",
            "4,   INT UNSIGNED,    10,  0, INT64,        0, 0",
            "4,   INT,             10,  0, INT32,        0, 0",
            "16,  BOOLEAN,          3,  0, BOOLEAN,      0, 0",
            "-7,  BIT,              1,  0, BOOLEAN,      0, 0",
            "3,   DECIMAL,         12,  2, DECIMAL,     12, 2",
            "91,  YEAR,             0,  0, INT32,        0, 0",
            "93,  DATETIME,        26,  0, TIMESTAMP,    0, 0",
            "93,  TIMESTAMP,       26,  0, TIMESTAMP_TZ, 0, 0",
            "-1,  LONGTEXT, 2147483647, 0, STRING,       0, 0",
            "12,  ENUM,             1,  0, STRING,       0, 0",
            "7,   FLOAT,           12,  0, FLOAT32,      0, 0",
            "-3,  VARBINARY,       10,  0, BINARY,       0, 0",
    })
    void mariaDbTypes(int jdbcType, String name, int size, int digits, ValueKind kind, int precision, int scale) {
        assertThat(SourceDialect.MARIADB.typingOf(jdbcType, name, size, digits))
                .isEqualTo(new SourceDialect.Typing(kind, precision, scale));
    }

    /** As sqlite-jdbc 3.53 reports declared types (COLUMN_SIZE of DECIMAL(p,s) is p + s there). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "4,  INTEGER,                 2000000000,  0, INT64,        0, 0",
            "4,  INT,                     2000000000,  0, INT64,        0, 0",
            "4,  BOOLEAN,                 2000000000,  0, BOOLEAN,      0, 0",
            "6,  DECIMAL,                         14,  2, DECIMAL,     12, 2",
            "6,  NUMERIC,                         47,  9, DECIMAL,     38, 9",
            "6,  REAL,                    2000000000, 10, FLOAT64,      0, 0",
            "12, DATE,                    2000000000, 10, DATE,         0, 0",
            "12, DATETIME,                2000000000, 10, TIMESTAMP,    0, 0",
            "12, TIMESTAMP WITH TIME ZONE,2000000000, 10, TIMESTAMP_TZ, 0, 0",
            "12, BLOB,                    2000000000,  0, BINARY,       0, 0",
            "12, '',                      2000000000, 10, STRING,       0, 0",
    })
    void sqliteTypes(int jdbcType, String name, int size, int digits, ValueKind kind, int precision, int scale) {
        assertThat(SourceDialect.SQLITE.typingOf(jdbcType, name, size, digits))
                .isEqualTo(new SourceDialect.Typing(kind, precision, scale));
    }

    /** As duckdb_jdbc 1.5 reports them. */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
            "3,    'DECIMAL(12,2)',          12, 2, DECIMAL,     12, 2",
            "6,    FLOAT,                    24, 0, FLOAT32,      0, 0",
            "8,    DOUBLE,                   53, 0, FLOAT64,      0, 0",
            "1111, HUGEINT,                 128, 0, DECIMAL,     39, 0",
            "1111, UBIGINT,                   0, 0, DECIMAL,     20, 0",
            "2014, TIMESTAMP WITH TIME ZONE,  0, 0, TIMESTAMP_TZ, 0, 0",
            "1111, TIMESTAMP_NS,              0, 0, TIMESTAMP,    0, 0",
            "1111, UUID,                      0, 0, STRING,       0, 0",
            "1111, INTEGER[],                 0, 0, STRING,       0, 0",
            "2004, BLOB,                      0, 0, BINARY,       0, 0",
    })
    void duckDbTypes(int jdbcType, String name, int size, int digits, ValueKind kind, int precision, int scale) {
        assertThat(SourceDialect.DUCKDB.typingOf(jdbcType, name, size, digits))
                .isEqualTo(new SourceDialect.Typing(kind, precision, scale));
    }

    @Test
    void postgresTimestamptzIsReportedAsTimestampAndKeptAsAnInstant() {
        assertThat(SourceDialect.POSTGRESQL.typingOf(Types.TIMESTAMP, "timestamptz", 35, 6).kind())
                .isEqualTo(ValueKind.TIMESTAMP_TZ);
        assertThat(SourceDialect.POSTGRESQL.typingOf(Types.NUMERIC, "numeric", 131089, 0))
                .isEqualTo(new SourceDialect.Typing(ValueKind.DECIMAL, 0, 0));
    }

    @Test
    void sqlServerIncrementalQueryUsesBracketsAndReadsTimeAsText() {
        List<Column> columns = List.of(Column.of("order id", ValueKind.INT32),
                new Column("placed_at", ValueKind.TIME, "time", 0, 0, true),
                Column.of("xt_record_type", ValueKind.STRING), Column.of("xt_batch_id", ValueKind.INT64));
        Dataset cf = new Dataset("dbo.change_feed_orders", "dbo", "change_feed_orders", columns,
                List.of("xt_batch_id", "order id"), DatasetKind.CHANGE_FEED);
        ExportSpec spec = new ExportSpec("x", null, List.of(new FileSpec("file", null, "o.csv")),
                ExportMode.INCREMENTAL, null, FormatOptions.Csv.defaults());
        ExportQuery q = new QueryBuilder(SourceDialect.SQLSERVER).build(spec, cf, OptionalLong.of(41));
        assertThat(q.jdbcSql()).isEqualTo("SELECT [order id], CAST([placed_at] AS VARCHAR(40)) AS [placed_at], "
                + "[xt_record_type], [xt_batch_id] FROM [dbo].[change_feed_orders] "
                + "WHERE [xt_record_type] IN (?, ?) AND [xt_batch_id] > ? ORDER BY [xt_batch_id], [order id]");
        assertThat(q.dialect()).isEqualTo(SourceDialect.SQLSERVER);
    }

    @Test
    void mariaDbReadsTimeAsCharAndQualifiesWithTheDatabase() {
        List<Column> columns = List.of(Column.of("id", ValueKind.INT32),
                new Column("t", ValueKind.TIME, "time", 0, 0, true));
        Dataset d = new Dataset("shop.orders", "shop", "orders", columns, List.of("id"), DatasetKind.OTHER);
        ExportSpec spec = new ExportSpec("x", null, List.of(new FileSpec("file", null, "o.csv")),
                ExportMode.FULL, null, FormatOptions.Csv.defaults());
        assertThat(new QueryBuilder(SourceDialect.MARIADB).build(spec, d, OptionalLong.empty()).jdbcSql())
                .isEqualTo("SELECT `id`, CAST(`t` AS CHAR(40)) AS `t` FROM `shop`.`orders` ORDER BY `id`");
    }

    @Test
    void systemSchemasAreNeverDatasets() {
        assertThat(SourceDialect.MARIADB.isSystem("performance_schema")).isTrue();
        assertThat(SourceDialect.SQLSERVER.isSystem("sys")).isTrue();
        assertThat(SourceDialect.SQLSERVER.isSystem("INFORMATION_SCHEMA")).isTrue();
        assertThat(SourceDialect.SQLSERVER.isSystem("dbo")).isFalse();
        assertThat(SourceDialect.DUCKDB.isSystem("main")).isFalse();
    }
}
