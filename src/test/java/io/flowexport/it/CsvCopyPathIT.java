package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.cli.FlowExportCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CSV fast path (PostgreSQL COPY ... TO STDOUT) and the generic path (camel-jdbc stream + CSV writer) write
 * byte-identical files for the same flow, over every column type the COPY path takes and tricky values.
 */
class CsvCopyPathIT {

    @TempDir
    Path tmp;

    Harness h;
    Path genericConfig;

    @BeforeEach
    void createTable() throws Exception {
        h = Harness.postgres(tmp, "fe_copy_it");
        h.sql("CREATE TABLE tricky (id integer PRIMARY KEY, small smallint, big bigint, exact numeric(20,4), "
                        + "loose numeric, r real, d double precision, flag boolean, day date, tod time, "
                        + "local_ts timestamp, instant timestamptz, txt text, code varchar(12), fixed char(5), "
                        + "raw bytea, uid uuid, xt_batch_id bigint NOT NULL)",
                "INSERT INTO tricky VALUES "
                        + "(1, -32768, 9223372036854775807, -12345678.1200, 3.14159265358979323846, 1.5, 0.1, true, "
                        + "'2026-01-31', '10:15:30.5', '2026-01-31 10:15:30.123456', '2026-01-31 10:15:30+02', "
                        + "E'Grüße \"quoted\", comma\\nnew line 😀 日本', ' padded ', 'ab', "
                        + "decode(repeat('00ff10', 40), 'hex'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), "
                        + "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                        + "NULL, NULL, 1), "
                        + "(3, 0, -1, 0, -100, 1e6, 1e15, false, '1970-01-01', '00:00:00', '1900-01-01 00:00:00', "
                        + "'2038-01-19 03:14:08.5+00', '', '#hash', '', '\\x', NULL, 2), "
                        + "(4, 1, 1, 1, 1e-7, 1e-5, 1e-5, true, '2000-02-29', '23:59:59.999999', "
                        + "'2026-06-01 12:00:00.1', '2026-06-01 12:00:00.000001+05:30', 'tab\there;semi', "
                        + "'a\"b', 'x;y', '\\x41', NULL, 2), "
                        + "(5, 2, 2, 2, 123456789.123456789, 'NaN', '-Infinity', false, '2026-11-20', '12:00', "
                        + "'2026-11-20 00:00:00', '2026-11-20 00:00:00+00', E'cr\\rlf\\r\\n', '\\.', ' ', "
                        + "NULL, NULL, 3), "
                        + "(6, 3, 3, 3, 0.5, 0.25, 12345678901234567890, true, '2026-11-21', '01:02:03', "
                        + "'2026-11-21 01:02:03', '2026-11-21 01:02:03-08', '-1', '0', '1', NULL, NULL, 3)",
                "CREATE TABLE one_column (v text PRIMARY KEY)",
                "INSERT INTO one_column VALUES ('\\.'), ('plain'), ('')");
        genericConfig = Files.writeString(tmp.resolve("generic.properties"),
                Files.readString(h.config) + "flowexport.source.copy=false\n");
    }

    private String run(Path config, String flowId) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "run-once", flowId, "--flows", h.flows.toString(), "--config", config.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        return out.toString();
    }

    private String plan(Path config, String flowId) {
        StringWriter out = new StringWriter();
        FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "plan", flowId, "--flows", h.flows.toString(), "--config", config.toString());
        return out.toString();
    }

    @ParameterizedTest(name = "delimiter {0}, header {1}, {2}, {3}, {4}")
    @CsvSource(delimiter = '|', value = {
            ",  | true  | utf-8     | full         | tricky",
            ";  | false | utf-8-sig | full         | tricky",
            "\\t | true  | utf-8     | incremental  | tricky",
            ",  | true  | utf-8     | changes_only | tricky",
            ",  | true  | utf-8     | full         | one_column"})
    void copyPathAndGenericPathWriteTheSameBytes(String delimiter, boolean header, String encoding, String mode,
                                                 String table) throws Exception {
        String path = "out_{batch_id}.csv".replace("_{batch_id}", table.equals("tricky") ? "_{batch_id}" : "");
        h.flow("f", "id = \"f\"\n[properties.export]\nsource_dataset_id = \"" + table + "\"\n"
                + "file_path = \"" + path + "\"\nexport_mode = \"" + mode + "\"\n"
                + "source_dataset_type = \"" + (mode.equals("changes_only") ? "delta_transaction" : "other") + "\"\n"
                + "exporter_config = { delimiter = \"" + delimiter + "\", include_header = " + header
                + ", encoding = \"" + encoding + "\" }\n");

        assertThat(plan(h.config, "f")).contains("export path: PostgreSQL COPY").contains("copy:        COPY (");
        assertThat(plan(genericConfig, "f")).contains("export path: generic");

        String copyLine = run(h.config, "f");
        List<String> files = h.files();
        assertThat(files).hasSize(1);
        Path copied = h.exportDir.resolve(files.get(0));
        byte[] copyBytes = Files.readAllBytes(copied);
        Files.delete(copied);
        h.sql(); // no-op: the source is unchanged between the runs
        Path state = tmp.resolve("state.mv.db");
        Files.deleteIfExists(state);

        String genericLine = run(genericConfig, "f");
        assertThat(h.files()).containsExactlyElementsOf(files);
        byte[] genericBytes = Files.readAllBytes(h.exportDir.resolve(files.get(0)));

        assertThat(new String(copyBytes, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(genericBytes, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(copyBytes).isEqualTo(genericBytes);
        assertThat(copyLine.replaceAll("\\s+\\d+\\.\\d+s.*", "")).isEqualTo(genericLine.replaceAll("\\s+\\d+\\.\\d+s.*", ""));
    }
}
