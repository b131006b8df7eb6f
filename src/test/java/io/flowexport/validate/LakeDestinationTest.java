package io.flowexport.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.lake.AzureRetry;
import io.flowexport.destination.lake.LakeSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.SecretValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code adls} and {@code onelake} destinations are read: both location forms, defaults, the catalogue. */
class LakeDestinationTest {

    @TempDir
    Path dir;

    private static final String HEAD = "id = \"orders\"\n[properties.export]\nsource_dataset_id = \"orders\"\n";

    private io.flowexport.flow.Flow lastFlow;

    private LakeSpec parse(String destination) {
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), HEAD + "[properties.export.destination]\n"
                + destination, new ValidationContext(null, null, null));
        assertThat(o.problems()).isEmpty();
        lastFlow = o.flow();
        return (LakeSpec) o.flow().export().destinations().get(0);
    }

    @Test
    void adlsByAccountFileSystemAndPathWithDefaults() {
        LakeSpec l = parse("""
                type = "adls"
                account = "contosolake"
                file_system = "exports"
                path = "sales/orders/{ds}/orders_{batch_id}.parquet"
                """);
        assertThat(l.type()).isEqualTo(LakeSpec.ADLS);
        assertThat(lastFlow.export().format().toml()).as("from the lake path's extension").isEqualTo("parquet");
        assertThat(l.name()).isEqualTo("adls");
        assertThat(l.serviceEndpoint()).isEqualTo("https://contosolake.dfs.core.windows.net");
        assertThat(l.objectPath()).isEqualTo("sales/orders/{ds}/orders_{batch_id}.parquet");
        assertThat(l.location("a/b.parquet")).isEqualTo("abfss://exports@contosolake.dfs.core.windows.net/a/b.parquet");
        assertThat(l.auth()).isEqualTo(new AzureAuth.DefaultChain(null, null));
        assertThat(l.overwrite()).isNull();
        assertThat(l.overwrites(ExportMode.FULL)).isTrue();
        assertThat(l.overwrites(ExportMode.INCREMENTAL)).isFalse();
        assertThat(l.manifest()).isFalse();
        assertThat(l.manifestObjectPath()).isNull();
        assertThat(l.blockSize()).isEqualTo(8L << 20);
        assertThat(l.maxConcurrency()).isEqualTo(4);
        assertThat(l.retry()).isEqualTo(new AzureRetry(5, Duration.ofMinutes(2),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    @Test
    void adlsByAbfssUrlWithEveryKey() {
        LakeSpec l = parse("""
                type = "adls"
                name = "lake"
                url = "abfss://exports@contosolake.dfs.core.chinacloudapi.cn/sales/orders_{batch_id}.csv"
                auth = { type = "shared_key", account_key = "${env:ADLS_KEY}" }
                overwrite = true
                manifest = true
                block_size = "4MiB"
                max_concurrency = 2
                max_attempts = 3
                try_timeout = "30s"
                initial_backoff = "500ms"
                max_backoff = "10s"
                """);
        assertThat(l.account()).isEqualTo("contosolake");
        assertThat(l.fileSystem()).isEqualTo("exports");
        assertThat(l.path()).isEqualTo("sales/orders_{batch_id}.csv");
        assertThat(l.serviceEndpoint()).isEqualTo("https://contosolake.dfs.core.chinacloudapi.cn");
        assertThat(l.auth()).isEqualTo(new AzureAuth.SharedKey(new SecretValue("${env:ADLS_KEY}")));
        assertThat(l.overwrites(ExportMode.INCREMENTAL)).isTrue();
        assertThat(l.manifestObjectPath()).isEqualTo("sales/_manifests/orders_{batch_id}.csv.json");
        assertThat(l.blockSize()).isEqualTo(4L << 20);
        assertThat(l.maxConcurrency()).isEqualTo(2);
        assertThat(l.retry()).isEqualTo(new AzureRetry(3, Duration.ofSeconds(30),
                Duration.ofMillis(500), Duration.ofSeconds(10)));
    }

    @Test
    void oneLakeByWorkspaceItemAndPathOrByUrl() {
        LakeSpec byKeys = parse("""
                type = "onelake"
                workspace = "Sales"
                item = "Sales.Lakehouse"
                path = "orders/orders_{batch_id}.parquet"
                auth = { type = "service_principal", tenant_id = "t1", client_id = "c1", client_secret = "${env:S}" }
                manifest = true
                manifest_path = "manifests/{batch_id}.json"
                """);
        assertThat(byKeys.account()).isEqualTo("onelake");
        assertThat(byKeys.fileSystem()).isEqualTo("Sales");
        assertThat(byKeys.objectPath()).isEqualTo("Sales.Lakehouse/Files/orders/orders_{batch_id}.parquet");
        assertThat(byKeys.manifestObjectPath()).isEqualTo("Sales.Lakehouse/Files/manifests/{batch_id}.json");
        assertThat(byKeys.serviceEndpoint()).isEqualTo("https://onelake.dfs.fabric.microsoft.com");
        assertThat(byKeys.auth()).isEqualTo(new AzureAuth.ServicePrincipal("t1", "c1", new SecretValue("${env:S}"),
                null));

        LakeSpec byUrl = parse("""
                type = "onelake"
                url = "abfss://Sales@onelake.dfs.fabric.microsoft.com/Sales.Lakehouse/Files/orders/orders_{batch_id}.parquet"
                endpoint = "http://127.0.0.1:9999/onelake"
                auth = { type = "sas", token = "${file:/run/secrets/onelake_sas}" }
                """);
        assertThat(byUrl.fileSystem()).isEqualTo("Sales");
        assertThat(byUrl.item()).isEqualTo("Sales.Lakehouse");
        assertThat(byUrl.objectPath()).isEqualTo(byKeys.objectPath());
        assertThat(byUrl.serviceEndpoint()).isEqualTo("http://127.0.0.1:9999/onelake");
        assertThat(byUrl.location("Sales.Lakehouse/Files/a.csv"))
                .isEqualTo("http://127.0.0.1:9999/onelake/Sales/Sales.Lakehouse/Files/a.csv");
    }

    @Test
    void aCatalogueEntryGivesTheAccountAndCredentialAndFlowsGiveThePath() throws IOException {
        Path cat = Files.createDirectories(dir.resolve("destinations"));
        Files.writeString(cat.resolve("lake.toml"), """
                type = "adls"
                account = "contosolake"
                file_system = "exports"
                path = "default/{flow_id}.parquet"
                auth = { type = "default", managed_identity_client_id = "mi-1" }
                """);
        DestinationLoader.Loaded loaded = DestinationLoader.loadDirectory(cat);
        assertThat(loaded.files()).singleElement().satisfies(f -> assertThat(f.problems()).isEmpty());
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), HEAD + """
                [properties.export.destination]
                ref = "lake"
                path = "sales/orders_{batch_id}.parquet"
                overwrite = false
                """, new ValidationContext(null, null, loaded.catalogue()));
        assertThat(o.problems()).isEmpty();
        LakeSpec l = (LakeSpec) o.flow().export().destinations().get(0);
        assertThat(l.name()).isEqualTo("lake");
        assertThat(l.ref()).isEqualTo("lake");
        assertThat(l.account()).isEqualTo("contosolake");
        assertThat(l.path()).isEqualTo("sales/orders_{batch_id}.parquet");
        assertThat(l.auth()).isEqualTo(new AzureAuth.DefaultChain("mi-1", null));
        assertThat(l.overwrite()).isFalse();
    }
}
