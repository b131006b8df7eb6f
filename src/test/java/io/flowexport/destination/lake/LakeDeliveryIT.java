package io.flowexport.destination.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.adls.DfsServer;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code adls} and {@code onelake} connector with the real Camel component and Azure SDK against a local
 * server that speaks the DFS REST API and checks SharedKey signatures ({@link DfsServer}).
 */
class LakeDeliveryIT {

    private static final String ACCOUNT = "devlake";
    private static final String KEY = Base64.getEncoder().encodeToString("a test account key, 32 bytes...".getBytes(
            StandardCharsets.UTF_8));
    private static final String SAS = "sv=2022-11-02&ss=b&srt=co&sp=racwdl&se=2099-01-01T00:00:00Z&sig=c2lnbmF0dXJl";

    @TempDir
    Path tmp;

    private DfsServer server;
    private CamelContext camel;
    private LakeConnector adls;
    private LakeConnector onelake;

    @BeforeEach
    void start() {
        server = DfsServer.start(ACCOUNT, KEY);
        server.createFileSystem("exports");
        server.createFileSystem("Sales");
        server.acceptSas(SAS);
        camel = new DefaultCamelContext();
        camel.start();
        Secrets secrets = new Secrets(Map.of("ADLS_KEY", KEY, "WRONG_KEY", Base64.getEncoder().encodeToString(
                "not the key".getBytes(StandardCharsets.UTF_8)), "ONELAKE_SAS", SAS)::get);
        LakeConnector both = new LakeConnector(() -> camel, secrets); // one connector serves adls and onelake
        adls = both;
        onelake = both;
    }

    @AfterEach
    void stop() {
        camel.stop();
        server.close();
    }

    private LakeSpec lake(String path, Boolean overwrite, boolean manifest, long blockSize,
                                      AzureAuth auth, Duration tryTimeout) {
        return new LakeSpec("lake", null, LakeSpec.ADLS, ACCOUNT, "exports", null, path,
                server.endpoint(), auth, overwrite, manifest, null, blockSize, 4,
                new AzureRetry(3, tryTimeout, Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    private LakeSpec lake(String path) {
        return lake(path, null, false, 8L << 20, key("ADLS_KEY"), Duration.ofSeconds(30));
    }

    private static AzureAuth key(String variable) {
        return new AzureAuth.SharedKey(new SecretValue("${env:" + variable + "}"));
    }

    private Shipment shipment(Path file, ExportMode mode, Long first, Long last) {
        return new Shipment("orders", "r1", file, FileFormat.CSV, false, Map.of("batch_id", String.valueOf(last),
                "flow_id", "orders"), first == null ? "-" : first + ".." + last, "x", () -> false, "public.orders",
                mode, 3, first, last, List.of(new Column("order_id", ValueKind.INT64, "int8", 0, 0, false),
                new Column("total", ValueKind.DECIMAL, "numeric", 12, 2, true)));
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    private Path csv() throws IOException {
        return file("orders.csv", "order_id,total\n1,9.99\n2,10.00\n3,0.50\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSmallFileIsUploadedUnderATemporaryNameAndRenamedIntoPlace() throws Exception {
        Path f = csv();
        Delivered d = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 41L, 44L), lake("sales/orders_{batch_id}.csv"), 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.target()).isEqualTo(server.endpoint() + "/exports/sales/orders_44.csv");
        assertThat(server.files("exports")).containsOnlyKeys("sales/orders_44.csv");
        assertThat(server.files("exports").get("sales/orders_44.csv")).isEqualTo(Files.readAllBytes(f));
        DfsServer.PathInfo info = server.info("exports", "sales/orders_44.csv").orElseThrow();
        assertThat(info.contentMd5Base64()).isEqualTo(Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("MD5").digest(Files.readAllBytes(f))));
        assertThat(info.contentType()).isEqualTo("text/csv");
        assertThat(info.metadata()).containsEntry("flowexport_flow", "orders").containsEntry("flowexport_run", "r1")
                .containsEntry("flowexport_batches", "41..44").containsEntry("flowexport_sha256", HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        // written under _tmp/, renamed, and _tmp/ removed: nothing but the target is left
        assertThat(server.requests()).anyMatch(r -> r.startsWith("PUT ") && r.contains("/sales/_tmp/orders/")
                && r.contains("resource=file"));
        assertThat(server.directories("exports")).doesNotContain("sales/_tmp", "sales/_tmp/orders");
    }

    @Test
    void aLargeFileGoesInParallelChunksFromTheStagedFile() throws Exception {
        byte[] content = new byte[600 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path f = file("big.parquet", content);
        Delivered d = adls.deliver(shipment(f, ExportMode.FULL, null, null),
                lake("big/all.parquet", null, false, 64 * 1024, key("ADLS_KEY"), Duration.ofSeconds(30)), 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(server.files("exports").get("big/all.parquet")).isEqualTo(content);
        long appends = server.requests().stream().filter(r -> r.startsWith("PATCH ") && r.contains("action=append"))
                .count();
        assertThat(appends).isEqualTo(10);
    }

    @Test
    void anExistingTargetIsReplacedOnlyWhenTheDestinationOverwrites() throws Exception {
        server.putFile("exports", "sales/orders_44.csv", "old".getBytes(StandardCharsets.UTF_8), Map.of());
        Path f = csv();

        Delivered refused = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 41L, 44L),
                lake("sales/orders_{batch_id}.csv"), 0);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("the target exists (3 bytes, other content) and overwrite = false: "
                + "nothing was written");
        assertThat(server.files("exports")).containsOnlyKeys("sales/orders_44.csv");
        assertThat(server.files("exports").get("sales/orders_44.csv")).asString(StandardCharsets.UTF_8)
                .isEqualTo("old");

        Delivered replaced = adls.deliver(shipment(f, ExportMode.FULL, null, 44L), lake("sales/orders_{batch_id}.csv"),
                0);
        assertThat(replaced.ok()).as(replaced.detail()).isTrue();
        assertThat(server.files("exports").get("sales/orders_44.csv")).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void theSameFileDeliveredAgainIsRecognisedAndNotSentTwice() throws Exception {
        Path f = csv();
        LakeSpec l = lake("sales/orders_{batch_id}.csv");
        assertThat(adls.deliver(shipment(f, ExportMode.INCREMENTAL, 41L, 44L), l, 0).ok()).isTrue();
        server.clearRequests();

        Delivered again = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 41L, 44L), l, 0);
        assertThat(again.ok()).isTrue();
        assertThat(again.detail()).contains("already holds these", "not sent again");
        assertThat(server.requests()).noneMatch(r -> r.contains("action=append"));
    }

    @Test
    void aFailureMidUploadLeavesNoFinalFileAndRemovesTheTemporaryOne() throws Exception {
        byte[] content = new byte[300 * 1024];
        new Random(3).nextBytes(content);
        Path f = file("big.csv", content);
        server.failWhen(DfsServer.Op.APPEND, q -> !q.contains("position=0&") && !q.endsWith("position=0"),
                Integer.MAX_VALUE, 500, "InternalError");

        Delivered d = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 1L, 2L),
                lake("sales/o_{batch_id}.csv", null, false, 64 * 1024, key("ADLS_KEY"), Duration.ofSeconds(30)), 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("HTTP 500 InternalError", "still failing after 3 attempts");
        assertThat(server.files("exports")).isEmpty();
        assertThat(server.requests()).anyMatch(r -> r.startsWith("DELETE ") && r.contains("/_tmp/orders/"));
    }

    @Test
    void a503IsRetriedByTheSdk() throws Exception {
        server.failNext(DfsServer.Op.APPEND, 1, 503, "ServerBusy");
        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), lake("o_{batch_id}.csv"), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(server.requests().stream().filter(r -> r.contains("action=append"))).hasSize(2);
    }

    @Test
    void a429OnCreateAndA502OnFlushAreRetriedToo() throws Exception {
        server.failNext(DfsServer.Op.CREATE_FILE, 1, 429, "TooManyRequests");
        server.failNext(DfsServer.Op.FLUSH, 1, 502, "BadGateway");
        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), lake("o_{batch_id}.csv"), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(server.requests().stream().filter(r -> r.contains("action=flush"))).hasSize(2);
        assertThat(server.requests().stream().filter(r -> r.contains("resource=file"))).hasSize(2);
        assertThat(server.files("exports")).containsOnlyKeys("o_2.csv");
    }

    @Test
    void aRefusedPermissionSaysWhichCredentialAndWhichPermission() throws Exception {
        server.denyWrites("exports", "sales/");
        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), lake("sales/o_{batch_id}.csv"), 0);
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("the shared key of account 'devlake' (${env:ADLS_KEY}) may not write to "
                + "'sales' in file system 'exports' of account 'devlake' (HTTP 403 AuthorizationPermissionMismatch)",
                "Storage Blob Data Contributor");
        assertThat(server.files("exports")).isEmpty();

        Delivered wrongKey = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L),
                lake("o.csv", null, false, 8L << 20, key("WRONG_KEY"), Duration.ofSeconds(30)), 0);
        assertThat(wrongKey.detail()).contains("the service did not accept the shared key of account 'devlake' "
                + "(${env:WRONG_KEY}) (HTTP 403 AuthenticationFailed)").doesNotContain(KEY);
        assertThat(adls.check(lake("sales/o.csv"), Map.of())).contains("AuthorizationPermissionMismatch");
    }

    @Test
    void aRenameThatSucceededButWhoseAnswerWasLostIsRecognised() throws Exception {
        server.delayAfterApplying(DfsServer.Op.RENAME, 1, Duration.ofSeconds(3));
        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L),
                lake("o_{batch_id}.csv", null, false, 8L << 20, key("ADLS_KEY"), Duration.ofSeconds(1)), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.detail()).contains("a retried rename had already succeeded");
        assertThat(server.files("exports")).containsOnlyKeys("o_2.csv");
        assertThat(server.requests().stream().filter(r -> r.startsWith("PUT /" + ACCOUNT + "/exports/o_2.csv")))
                .hasSize(2);
    }

    @Test
    void oneLakePathsAreUnderTheItemsFilesFolder() throws Exception {
        LakeSpec l = new LakeSpec("onelake", null, LakeSpec.ONELAKE, "onelake", "Sales",
                "Sales.Lakehouse", "orders/orders_{batch_id}.csv", server.endpoint(),
                new AzureAuth.Sas(new SecretValue("${env:ONELAKE_SAS}")), null, true, null, 8L << 20, 4,
                new AzureRetry(3, Duration.ofSeconds(30), Duration.ofMillis(20), Duration.ofMillis(100)));
        Path f = csv();
        Delivered d = onelake.deliver(shipment(f, ExportMode.CHANGES_ONLY, 5L, 5L), l, 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.type()).isEqualTo(LakeSpec.ONELAKE);
        assertThat(server.files("Sales")).containsOnlyKeys("Sales.Lakehouse/Files/orders/orders_5.csv",
                "Sales.Lakehouse/Files/orders/_manifests/orders_5.csv.json");
        assertThat(server.requests()).allMatch(r -> r.contains("sig="));
    }

    @Test
    void theManifestIsWrittenLastAndDescribesTheExport() throws Exception {
        Path f = csv();
        Delivered d = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 41L, 44L),
                lake("sales/orders_{batch_id}.csv", null, true, 8L << 20, key("ADLS_KEY"), Duration.ofSeconds(30)), 0);
        assertThat(d.ok()).as(d.detail()).isTrue();
        JsonNode m = new ObjectMapper().readTree(server.files("exports").get("sales/_manifests/orders_44.csv.json"));
        assertThat(m.get("flow_id").asText()).isEqualTo("orders");
        assertThat(m.get("run_id").asText()).isEqualTo("r1");
        assertThat(m.get("export_mode").asText()).isEqualTo("incremental");
        assertThat(m.get("batch_range").get("first").asLong()).isEqualTo(41);
        assertThat(m.get("batch_range").get("last").asLong()).isEqualTo(44);
        assertThat(m.get("rows").asLong()).isEqualTo(3);
        JsonNode file = m.get("files").get(0);
        assertThat(file.get("path").asText()).isEqualTo("sales/orders_44.csv");
        assertThat(file.get("bytes").asLong()).isEqualTo(Files.size(f));
        assertThat(file.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        assertThat(m.get("schema").get(1).get("name").asText()).isEqualTo("total");
        assertThat(m.get("schema").get(1).get("precision").asInt()).isEqualTo(12);
        // the data file is in place before the manifest appears
        List<String> renames = server.requests().stream().filter(r -> r.startsWith("PUT ") && !r.contains("resource="))
                .toList();
        assertThat(renames).hasSize(2);
        assertThat(renames.get(0)).contains("/sales/orders_44.csv");
        assertThat(renames.get(1)).contains("/sales/_manifests/orders_44.csv.json");
    }

    @Test
    void checkWritesAndRemovesAProbeAndLeavesNothing() {
        assertThat(adls.check(lake("sales/orders_{batch_id}.csv"), Map.of("batch_id", "1"))).isNull();
        assertThat(server.files("exports")).isEmpty();
        assertThat(server.directories("exports")).noneMatch(d -> d.contains("_tmp"));
        assertThat(adls.check(lake("x.csv", null, false, 8L << 20, key("MISSING"), Duration.ofSeconds(5)), Map.of()))
                .contains("MISSING");
    }
}
