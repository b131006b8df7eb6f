package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL Server as a source, against a real server: not part of {@code mvn -B verify} (no server runs here); the
 * Maven profile {@code sqlserver-account} runs it (README, "Tests against a real account"). Needs
 * {@code FLOWEXPORT_IT_SQLSERVER_URL} (e.g. {@code jdbc:sqlserver://host:1433;databaseName=x;encrypt=true;
 * trustServerCertificate=true}), {@code FLOWEXPORT_IT_SQLSERVER_USER} and {@code FLOWEXPORT_IT_SQLSERVER_PASSWORD}
 * (a login that may create tables in the database's {@code dbo} schema); fails naming a missing variable. Creates
 * one table {@code fe_it_<random>} and drops it after.
 */
class SqlServerAccountIT {

    @TempDir
    Path tmp;

    private String url;
    private String user;
    private String password;
    private String table;

    private static String required(String name) {
        String v = System.getenv(name);
        assertThat(v).as("environment variable " + name + " (README, \"Tests against a real account\")")
                .isNotBlank();
        return v;
    }

    @BeforeEach
    void createTable() throws Exception {
        url = required("FLOWEXPORT_IT_SQLSERVER_URL");
        user = required("FLOWEXPORT_IT_SQLSERVER_USER");
        password = required("FLOWEXPORT_IT_SQLSERVER_PASSWORD");
        table = "fe_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE TABLE dbo." + table + " ([order id] INT NOT NULL, placed DATETIMEOFFSET(7), "
                        + "local_ts DATETIME2(7), price MONEY, amount DECIMAL(12,2), ref UNIQUEIDENTIFIER, "
                        + "note NVARCHAR(100), flag BIT, tod TIME(7), raw VARBINARY(10), "
                        + "xt_record_type VARCHAR(16) NOT NULL, xt_batch_id BIGINT NOT NULL, "
                        + "PRIMARY KEY (xt_batch_id, [order id]))",
                "INSERT INTO dbo." + table + " VALUES (1, '2026-01-31 10:15:30.1234567 +02:00', "
                        + "'2026-01-31 10:15:30.1234567', 12.3456, 20.00, '6F9619FF-8B86-D011-B42D-00C04FC964FF', "
                        + "N'Grüße 東京', 1, '10:15:30', 0x00FF10, 'new', 1), "
                        + "(2, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 'new', 1), "
                        + "(1, NULL, NULL, 1.0, 21.50, NULL, N'x', 0, NULL, NULL, 'changed', 2), "
                        + "(2, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 'unchanged', 2)");
    }

    @AfterEach
    void dropTable() throws Exception {
        if (table != null && url != null) {
            sql("DROP TABLE IF EXISTS dbo." + table);
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    @Test
    void incrementalChangeFeedExportKeepsSqlServerTypes() throws Exception {
        Harness h = Harness.custom(tmp, url, user,
                "flowexport.source.password=${env:FLOWEXPORT_IT_SQLSERVER_PASSWORD}");
        h.flow("inc", "id = \"mssql_inc\"\n[properties.export]\nsource_dataset_id = \"dbo." + table + "\"\n"
                + "file_path = \"inc_{batch_id}.csv\"\nexport_mode = \"incremental\"\n");
        assertThat(h.cli("run-once", "mssql_inc").ok().out()).contains("rows=3");
        List<Map<String, String>> rows = h.csv("inc_2.csv");
        assertThat(rows).extracting(r -> r.get("xt_batch_id") + ":" + r.get("order id"))
                .containsExactly("1:1", "1:2", "2:1");
        Map<String, String> first = rows.get(0);
        assertThat(first).containsEntry("placed", "2026-01-31T08:15:30.1234567Z")
                .containsEntry("local_ts", "2026-01-31T10:15:30.1234567")
                .containsEntry("price", "12.3456").containsEntry("amount", "20.00")
                .containsEntry("ref", "6F9619FF-8B86-D011-B42D-00C04FC964FF")
                .containsEntry("note", "Grüße 東京").containsEntry("flag", "true")
                .containsEntry("tod", "10:15:30").containsEntry("raw", "AP8Q");
        assertThat(new BigDecimal(rows.get(2).get("price"))).isEqualByComparingTo("1.0");
        assertThat(h.watermark("mssql_inc")).hasValue(2);

        assertThat(h.cli("run-once", "mssql_inc").ok().out()).contains("nothing new");
        try (Connection c = DriverManager.getConnection(url, user, password);
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM dbo." + table)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the export only reads").isEqualTo(4);
        }
    }
}
