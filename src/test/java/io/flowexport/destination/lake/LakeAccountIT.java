package io.flowexport.destination.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake connector against a real storage account (and, when configured, OneLake). Not part of
 * {@code mvn verify}: run with {@code -Pazure-account} and the variables README lists; a missing required variable
 * fails the test with its name. Everything is written under {@code flowexport-it/<random>/} and removed after.
 */
class LakeAccountIT {

    @TempDir
    Path tmp;

    private CamelContext camel;
    private LakeConnector[] connectors;
    private final String folder = "flowexport-it/" + UUID.randomUUID();
    private final List<Runnable> cleanups = new ArrayList<>();

    private static String required(String name) {
        String v = System.getenv(name);
        assertThat(v).as("environment variable " + name + " (README, \"Tests against a real account\")").isNotBlank();
        return v;
    }

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
        LakeConnector c = new LakeConnector(() -> camel, Secrets.system()); // serves adls and onelake
        connectors = new LakeConnector[] {c, c};
    }

    @AfterEach
    void stop() {
        cleanups.forEach(Runnable::run);
        camel.stop();
    }

    private LakeSpec adls(AzureAuth auth, Boolean overwrite, boolean manifest) {
        return new LakeSpec("lake", null, LakeSpec.ADLS, required("FLOWEXPORT_IT_ADLS_ACCOUNT"),
                required("FLOWEXPORT_IT_ADLS_FILE_SYSTEM"), null, folder + "/orders_{batch_id}.csv", null, auth,
                overwrite, manifest, null, 4L << 20, 4, new AzureRetry(4, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(10)));
    }

    private Shipment shipment(Path file, long batch) {
        return new Shipment("account_it", "run-" + batch, file, FileFormat.CSV, false,
                Map.of("batch_id", String.valueOf(batch)), batch + ".." + batch, "x", () -> false, "orders",
                ExportMode.INCREMENTAL, 2, batch, batch, List.of(Column.of("id", ValueKind.INT64)));
    }

    private Path csv(String content) throws Exception {
        return Files.writeString(tmp.resolve(UUID.randomUUID() + ".csv"), content);
    }

    private void removeFolderWithKey() {
        cleanups.add(() -> new DataLakeServiceClientBuilder()
                .endpoint("https://" + System.getenv("FLOWEXPORT_IT_ADLS_ACCOUNT") + ".dfs.core.windows.net")
                .credential(new StorageSharedKeyCredential(System.getenv("FLOWEXPORT_IT_ADLS_ACCOUNT"),
                        System.getenv("FLOWEXPORT_IT_ADLS_KEY"))).buildClient()
                .getFileSystemClient(System.getenv("FLOWEXPORT_IT_ADLS_FILE_SYSTEM"))
                .getDirectoryClient(folder).deleteRecursively());
    }

    @Test
    void sharedKeyUploadRenameOverwriteManifestAndCheck() throws Exception {
        required("FLOWEXPORT_IT_ADLS_KEY");
        removeFolderWithKey();
        AzureAuth key = new AzureAuth.SharedKey(new SecretValue("${env:FLOWEXPORT_IT_ADLS_KEY}"));
        LakeSpec lake = adls(key, null, true);
        assertThat(connectors[0].check(lake, Map.of("batch_id", "0"))).isNull();

        Path first = csv("id\n1\n2\n");
        Delivered d = connectors[0].deliver(shipment(first, 7), lake, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        DataLakeFileSystemClient fs = new DataLakeServiceClientBuilder()
                .endpoint("https://" + lake.account() + ".dfs.core.windows.net")
                .credential(new StorageSharedKeyCredential(lake.account(), System.getenv("FLOWEXPORT_IT_ADLS_KEY")))
                .buildClient().getFileSystemClient(lake.fileSystem());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fs.getFileClient(folder + "/orders_7.csv").read(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id\n1\n2\n");
        assertThat(fs.getFileClient(folder + "/_manifests/orders_7.csv.json").exists()).isTrue();
        assertThat(fs.getDirectoryClient(folder + "/_tmp").exists()).isFalse();

        Delivered again = connectors[0].deliver(shipment(first, 7), lake, 0);
        assertThat(again.detail()).contains("not sent again");
        Delivered other = connectors[0].deliver(shipment(csv("id\n3\n"), 7), lake, 0);
        assertThat(other.ok()).isFalse();
        assertThat(other.detail()).contains("overwrite = false");
    }

    @Test
    void sasToken() throws Exception {
        required("FLOWEXPORT_IT_ADLS_SAS");
        required("FLOWEXPORT_IT_ADLS_KEY");
        removeFolderWithKey();
        Delivered d = connectors[0].deliver(shipment(csv("id\n1\n"), 1),
                adls(new AzureAuth.Sas(new SecretValue("${env:FLOWEXPORT_IT_ADLS_SAS}")), null, false), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
    }

    @Test
    void servicePrincipalAndDefaultChain() throws Exception {
        required("AZURE_TENANT_ID");
        required("AZURE_CLIENT_ID");
        required("AZURE_CLIENT_SECRET");
        required("FLOWEXPORT_IT_ADLS_KEY");
        removeFolderWithKey();
        AzureAuth sp = new AzureAuth.ServicePrincipal(System.getenv("AZURE_TENANT_ID"),
                System.getenv("AZURE_CLIENT_ID"), new SecretValue("${env:AZURE_CLIENT_SECRET}"), null);
        assertThat(connectors[0].deliver(shipment(csv("id\n1\n"), 1), adls(sp, null, false), 0).ok()).isTrue();
        assertThat(connectors[0].deliver(shipment(csv("id\n2\n"), 2), adls(new AzureAuth.DefaultChain(null, null),
                null, false), 0).ok()).isTrue();
    }

    @Test
    void oneLake() throws Exception {
        String workspace = required("FLOWEXPORT_IT_ONELAKE_WORKSPACE");
        String item = required("FLOWEXPORT_IT_ONELAKE_ITEM");
        AzureAuth sp = new AzureAuth.ServicePrincipal(required("AZURE_TENANT_ID"), required("AZURE_CLIENT_ID"),
                new SecretValue("${env:AZURE_CLIENT_SECRET}"), null);
        LakeSpec lake = new LakeSpec("onelake", null, LakeSpec.ONELAKE, "onelake",
                workspace, item, folder + "/orders_{batch_id}.csv", null, sp, null, false, null, 4L << 20, 4,
                new AzureRetry(4, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(10)));
        cleanups.add(() -> new DataLakeServiceClientBuilder().endpoint(LakeSpec.ONELAKE_ENDPOINT)
                .credential(new ClientSecretCredentialBuilder().tenantId(System.getenv("AZURE_TENANT_ID"))
                        .clientId(System.getenv("AZURE_CLIENT_ID")).clientSecret(System.getenv("AZURE_CLIENT_SECRET"))
                        .build()).buildClient().getFileSystemClient(workspace)
                .getDirectoryClient(item + "/Files/" + folder).deleteRecursively());
        Delivered d = connectors[1].deliver(shipment(csv("id\n1\n"), 1), lake, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.target()).startsWith("abfss://" + workspace + "@onelake.dfs.fabric.microsoft.com/" + item
                + "/Files/flowexport-it/");
    }
}
