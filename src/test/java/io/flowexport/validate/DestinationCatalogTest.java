package io.flowexport.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.http.HttpAuth;
import io.flowexport.destination.http.HttpMode;
import io.flowexport.destination.http.HttpSpec;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Flow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The destination catalogue: entries by file name, refs with overrides, broken entries, and several destinations. */
class DestinationCatalogTest {

    @TempDir
    Path dir;

    private static final String HEAD = "id = \"orders\"\n[properties.export]\nsource_dataset_id = \"orders\"\n";

    @Test
    void aFlowUsesACatalogueEntryAndOverridesWhatDiffers() throws IOException {
        Path cat = Files.createDirectories(dir.resolve("destinations"));
        Files.writeString(cat.resolve("ingest.toml"), """
                type = "http"
                url = "https://api.example.org/ingest/{flow_id}"
                auth = { type = "bearer", token = "${env:INGEST_TOKEN}" }
                headers = { X-Source = "flow-export" }
                read_timeout = "2m"
                """);
        DestinationLoader.Loaded loaded = DestinationLoader.loadDirectory(cat);
        assertThat(loaded.files()).singleElement().satisfies(f -> assertThat(f.problems()).isEmpty());

        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), HEAD + """
                file_path = "exports/orders.jsonl"
                [[properties.export.destinations]]
                ref = "ingest"
                url = "https://api.example.org/v2/{flow_id}/{batch_id}"
                headers = { X-Batch = "{batch_id}" }
                [[properties.export.destinations]]
                ref = "ingest"
                name = "audit"
                mode = "batches"
                batch_size = 500
                """, new ValidationContext(null, dir.resolve("out"), loaded.catalogue()));
        assertThat(o.problems()).isEmpty();
        Flow flow = o.flow();
        assertThat(flow.export().destinations()).extracting(DestinationSpec::name)
                .containsExactly("file", "ingest", "audit");
        HttpSpec first = (HttpSpec) flow.export().destinations().get(1);
        assertThat(first.url()).isEqualTo("https://api.example.org/v2/{flow_id}/{batch_id}");
        assertThat(first.headers()).isEqualTo(Map.of("X-Source", "flow-export", "X-Batch", "{batch_id}"));
        assertThat(first.auth()).isEqualTo(new HttpAuth.Bearer(
                new io.flowexport.flow.SecretValue("${env:INGEST_TOKEN}")));
        assertThat(first.readTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(first.ref()).isEqualTo("ingest");
        HttpSpec second = (HttpSpec) flow.export().destinations().get(2);
        assertThat(second.url()).isEqualTo("https://api.example.org/ingest/{flow_id}");
        assertThat(second.mode()).isEqualTo(HttpMode.BATCHES);
        assertThat(second.batchSize()).isEqualTo(500);
        assertThat(flow.export().format().toml()).isEqualTo("json");
    }

    @Test
    void aBrokenEntryIsReportedInItsFileAndInTheFlowsThatUseIt() throws IOException {
        Path cat = Files.createDirectories(dir.resolve("destinations"));
        Files.writeString(cat.resolve("ingest.toml"), "type = \"http\"\nref = \"x\"\nurl = \"https://h/x\"\n");
        Files.writeString(cat.resolve("lake.toml"), "type = \"file\"\npath = \"lake/{flow_id}.csv\"\n");
        DestinationLoader.Loaded loaded = DestinationLoader.loadDirectory(cat);
        assertThat(loaded.catalogue().entries()).containsOnlyKeys("lake");
        assertThat(loaded.files().get(0).problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("ref");
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("a catalogue entry is named by its file name ('ingest')");
        });
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), HEAD + "format = \"csv\"\n"
                + "[properties.export.destination]\nref = \"ingest\"\n",
                new ValidationContext(null, null, loaded.catalogue()));
        assertThat(o.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("catalogue entry 'ingest'").contains("ingest.toml").contains("has errors"));
        FileOutcome lake = FlowLoader.parse(Path.of("flows/orders.toml"), HEAD + "format = \"csv\"\n"
                + "[properties.export.destination]\nref = \"lake\"\n",
                new ValidationContext(null, null, loaded.catalogue()));
        assertThat(lake.problems()).isEmpty();
        assertThat(io.flowexport.destination.file.FileSpec.sole(lake.flow().export().destinations())).isPresent();
    }
}
