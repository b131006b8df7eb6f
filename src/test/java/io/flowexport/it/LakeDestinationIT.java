package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.destination.adls.DfsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with an {@code adls} destination (next to a file destination) against PostgreSQL and a local DFS
 * server: the lake gets the same bytes as the file, a refused write keeps the watermark and owes the lake the same
 * file at the next run, and the account key never appears in any output.
 */
class LakeDestinationIT {

    private static final String KEY = Base64.getEncoder().encodeToString("lake-destination-it account key!"
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private DfsServer lake;

    @BeforeEach
    void startLake() {
        lake = DfsServer.start("itlake", KEY);
        lake.createFileSystem("exports");
    }

    @AfterEach
    void stopLake() {
        lake.close();
    }

    @Test
    void anIncrementalExportReachesTheLakeAndARefusedWriteIsOwedToItAlone() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_lake_it");
        Path key = Files.writeString(tmp.resolve("lake.key"), KEY + "\n");
        h.sql("CREATE TABLE feed (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO feed SELECT g, 'n' || g, 1 + g / 10 FROM generate_series(1, 25) g",
                // an index in the export's order: validate would warn that the rows are sorted without it
                "CREATE INDEX ON feed (xt_batch_id, id)");
        h.flow("feed", "id = \"feed\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                + "export_mode = \"changes_only\"\nfile_path = \"feed/{batch_id}.csv\"\n"
                + "[properties.export.destination]\ntype = \"adls\"\nname = \"lake\"\n"
                + "url = \"abfss://exports@itlake.dfs.core.windows.net/sales/feed/{batch_id}.csv\"\n"
                + "endpoint = \"" + lake.endpoint() + "\"\nmanifest = true\nmax_attempts = 2\n"
                + "initial_backoff = \"50ms\"\n"
                + "auth = { type = \"shared_key\", account_key = \"${file:" + key.toAbsolutePath() + "}\" }\n");

        assertThat(h.cli("validate").ok().out()).contains("0 error(s), 0 warning(s)");
        Harness.Outcome check = h.cli("check", "--all").ok();
        assertThat(check.out()).contains("ok     adls 'lake'");
        assertThat(h.cli("plan", "feed").ok().out()).contains("adls 'lake': " + lake.endpoint()
                + "/exports/sales/feed/3.csv").contains("the shared key of account 'itlake'");

        Harness.Outcome first = h.cli("run-once", "--all").ok();
        assertThat(first.out()).contains("batches=1..3");
        assertThat(lake.files("exports")).containsOnlyKeys("sales/feed/3.csv", "sales/feed/_manifests/3.csv.json");
        assertThat(lake.files("exports").get("sales/feed/3.csv"))
                .isEqualTo(Files.readAllBytes(h.exportDir.resolve("feed/3.csv")));
        JsonNode manifest = new ObjectMapper().readTree(lake.files("exports").get("sales/feed/_manifests/3.csv.json"));
        assertThat(manifest.get("rows").asLong()).isEqualTo(25);
        assertThat(manifest.get("batch_range").get("last").asLong()).isEqualTo(3);
        assertThat(manifest.get("schema")).extracting(c -> c.get("name").asText())
                .containsExactly("id", "name", "xt_batch_id");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

        h.sql("INSERT INTO feed VALUES (100, 'late', 4), (101, 'later', 4)");
        lake.denyWrites("exports", "sales/");
        Harness.Outcome refused = h.cli("run-once", "--all");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).contains("delivery failed to adls 'lake'", "may not write to 'sales/feed'",
                "Storage Blob Data Contributor", "the next run sends this file to 'lake' only");
        assertThat(h.files()).contains("feed/4.csv");
        assertThat(lake.files("exports")).doesNotContainKey("sales/feed/4.csv");
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

        lake.reset();
        Harness.Outcome second = h.cli("run-once", "--all").ok();
        assertThat(second.out()).contains("re-sent the file of run").contains("to 'lake'");
        assertThat(lake.files("exports").get("sales/feed/4.csv"))
                .isEqualTo(Files.readAllBytes(h.exportDir.resolve("feed/4.csv")));
        assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));
        assertThat(lake.directories("exports")).noneMatch(d -> d.contains("_tmp"));

        for (Harness.Outcome o : new Harness.Outcome[] {check, first, refused, second}) {
            assertThat(o.out() + o.err()).doesNotContain(KEY);
        }
    }
}
