package io.flowexport.destination.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code adls} and {@code onelake} connector with Microsoft Entra ID tokens: a service principal (azure-identity's
 * {@code ClientSecretCredential}, MSAL underneath) and the default credential chain, with the real Camel component
 * and Azure SDK, against {@link DfsServer} over HTTPS, which is also the authority host (its mini Entra ID issues
 * the tokens the storage side then accepts). Production code is used unchanged: the SDK builds its own Netty client,
 * which trusts the server's self-signed certificate because this class points the JVM's default trust store at one
 * holding it ({@link DfsServer#trustInThisJvm()}) before anything uses TLS.
 */
class LakeTokenAuthIT {

    private static final String ACCOUNT = "devlake";
    private static final String KEY = Base64.getEncoder().encodeToString("a test account key, 32 bytes...".getBytes(
            StandardCharsets.UTF_8));
    private static final String TENANT = "8f2c4e1a-5b7d-4c39-9e0f-2a6b1d3c5e7f";
    private static final String OTHER_TENANT = "3c1d5e7f-9a2b-4c6d-8e0f-1a2b3c4d5e6f";
    private static final String CLIENT_ID = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a";
    private static final String SECRET = "Zq8~sp.client-secret-value_0123456789abcd";
    private static final String WRONG_SECRET = "Zq8~not.the-secret-value_9876543210dcba";
    private static final String STORAGE_SCOPE = "https://storage.azure.com/.default";
    private static final String IMDS_HOST = "AZURE_POD_IDENTITY_AUTHORITY_HOST";

    private static DfsServer.JvmTrust trust;

    @TempDir
    Path tmp;

    private DfsServer server;
    private CamelContext camel;
    private LakeConnector adls;
    private LakeConnector onelake;

    @BeforeAll
    static void trustTheServersCertificate() {
        trust = DfsServer.trustInThisJvm();
        // reactor-netty keeps the TLS context of its first https connection in the JVM: if something used https
        // through azure-core before this class set the trust store, say so here instead of failing obscurely later
        try (DfsServer probe = DfsServer.startHttps(ACCOUNT, KEY);
             HttpResponse response = HttpClient.createDefault().sendSync(new HttpRequest(HttpMethod.GET,
                     probe.authorityHost() + "/" + TENANT + "/v2.0/.well-known/openid-configuration"),
                     Context.NONE)) {
            assertThat(response.getStatusCode()).isEqualTo(400); // an answer (no such tenant there): TLS worked
        } catch (RuntimeException e) {
            fail("azure-core's Netty client does not trust the test certificate although javax.net.ssl.trustStore "
                    + "names it: reactor-netty's default TLS context was probably made before this class ran (an "
                    + "earlier test in this JVM used https through azure-core); run this class in its own JVM", e);
        }
    }

    @AfterAll
    static void restoreTrust() {
        if (trust != null) {
            trust.close();
        }
    }

    @BeforeEach
    void start() {
        server = DfsServer.startHttps(ACCOUNT, KEY);
        server.createFileSystem("exports");
        server.createFileSystem("Sales");
        server.registerServicePrincipal(TENANT, CLIENT_ID, SECRET);
        camel = new DefaultCamelContext();
        camel.start();
        Secrets secrets = new Secrets(Map.of("SP_SECRET", SECRET, "WRONG_SECRET", WRONG_SECRET)::get);
        LakeConnector both = new LakeConnector(() -> camel, secrets); // one connector serves adls and onelake
        adls = both;
        onelake = both;
    }

    @AfterEach
    void stop() {
        camel.stop();
        server.close();
    }

    private AzureAuth principal(String secretVariable) {
        return new AzureAuth.ServicePrincipal(TENANT, CLIENT_ID, new SecretValue("${env:" + secretVariable + "}"),
                server.authorityHost());
    }

    private static AzureRetry retry() {
        return new AzureRetry(3, Duration.ofSeconds(30), Duration.ofMillis(20), Duration.ofMillis(100));
    }

    private LakeSpec lake(String path, AzureAuth auth) {
        return new LakeSpec("lake", null, LakeSpec.ADLS, ACCOUNT, "exports", null, path,
                server.endpoint(), auth, null, false, null, 8L << 20, 4, retry());
    }

    private Shipment shipment(Path file, ExportMode mode, Long first, Long last) {
        return new Shipment("orders", "r1", file, FileFormat.CSV, false, Map.of("batch_id", String.valueOf(last),
                "flow_id", "orders"), first == null ? "-" : first + ".." + last, "x", () -> false, "public.orders",
                mode, 3, first, last, List.of(new Column("order_id", ValueKind.INT64, "int8", 0, 0, false),
                new Column("total", ValueKind.DECIMAL, "numeric", 12, 2, true)));
    }

    private Path csv() throws IOException {
        return Files.write(tmp.resolve("orders.csv"), "order_id,total\n1,9.99\n2,10.00\n3,0.50\n".getBytes(
                StandardCharsets.UTF_8));
    }

    /** The client credentials grant as MSAL sends it (logged with the secret hidden), and the answer's status. */
    private static String tokenRequest(int status) {
        return "POST /" + TENANT + "/oauth2/v2.0/token client_id=" + CLIENT_ID + "&client_info=1&client_secret=***"
                + "&grant_type=client_credentials&scope=" + STORAGE_SCOPE + " openid profile offline_access -> "
                + status;
    }

    @Test
    void aServicePrincipalDeliversWithOneTokenForSeveralDeliveries() throws Exception {
        Path f = csv();
        LakeSpec l = lake("sales/orders_{batch_id}.csv", principal("SP_SECRET"));

        Delivered first = adls.deliver(shipment(f, ExportMode.INCREMENTAL, 1L, 1L), l, 0);
        assertThat(first.ok()).as(first.detail()).isTrue();
        assertThat(first.target()).isEqualTo(server.endpoint() + "/exports/sales/orders_1.csv");
        // MSAL derives the token endpoint from the authority: no discovery request. Two tokens, one per pipeline of
        // the DataLake client, each of which caches its token: the Blob pipeline's first call (the target's
        // properties) is synchronous, the DFS pipeline's (Camel's upload) asynchronous, and azure-identity's
        // ClientSecretCredential serves those through two MSAL applications with separate token caches. (MSAL's
        // cache would not help here anyway: for an authority host with a port it stores tokens under the host and
        // looks them up under host:port. Run on port 443 without a port in the URL, the count is the same.)
        assertThat(server.identityRequests()).containsExactly(tokenRequest(200), tokenRequest(200));

        for (long batch = 2; batch <= 3; batch++) {
            Delivered d = adls.deliver(shipment(f, ExportMode.INCREMENTAL, batch, batch), l, 0);
            assertThat(d.ok()).as(d.detail()).isTrue();
        }
        assertThat(adls.check(l, Map.of("batch_id", "4"))).isNull();

        assertThat(server.files("exports")).containsOnlyKeys("sales/orders_1.csv", "sales/orders_2.csv",
                "sales/orders_3.csv");
        assertThat(server.files("exports").get("sales/orders_3.csv")).isEqualTo(Files.readAllBytes(f));
        // the tokens are kept: no further request to Entra ID for two more deliveries and a check
        assertThat(server.identityRequests()).containsExactly(tokenRequest(200), tokenRequest(200));
        assertThat(server.authorizations()).hasSizeGreaterThan(10).allSatisfy(a -> {
            assertThat(a.scheme()).as(a.request()).isEqualTo("Bearer");
            assertThat(a.clientId()).as(a.request()).isEqualTo(CLIENT_ID);
        });
    }

    @Test
    void oneLakeOverAServicePrincipalLandsUnderTheItemsFilesFolder() throws Exception {
        LakeSpec l = new LakeSpec("onelake", null, LakeSpec.ONELAKE, "onelake", "Sales",
                "Sales.Lakehouse", "orders/orders_{batch_id}.csv", server.endpoint(), principal("SP_SECRET"), null,
                true, null, 8L << 20, 4, retry());
        Path f = csv();

        Delivered d = onelake.deliver(shipment(f, ExportMode.CHANGES_ONLY, 5L, 5L), l, 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.type()).isEqualTo(LakeSpec.ONELAKE);
        assertThat(server.files("Sales")).containsOnlyKeys("Sales.Lakehouse/Files/orders/orders_5.csv",
                "Sales.Lakehouse/Files/orders/_manifests/orders_5.csv.json");
        assertThat(server.files("Sales").get("Sales.Lakehouse/Files/orders/orders_5.csv"))
                .isEqualTo(Files.readAllBytes(f));
        assertThat(server.identityRequests()).containsExactly(tokenRequest(200), tokenRequest(200));
        assertThat(server.authorizations()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.scheme()).as(a.request()).isEqualTo("Bearer");
            assertThat(a.clientId()).as(a.request()).isEqualTo(CLIENT_ID);
        });
    }

    @Test
    void aWrongClientSecretIsExplainedWithTheEntraIdCodeAndNeverShown() throws Exception {
        LakeSpec l = lake("sales/orders_{batch_id}.csv", principal("WRONG_SECRET"));

        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), l, 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("could not get a Microsoft Entra ID token with service principal (client id "
                + CLIENT_ID + ") in tenant " + TENANT, "AADSTS7000215", "Invalid client secret provided")
                .doesNotContain(WRONG_SECRET).doesNotContain(SECRET);
        assertThat(server.identityRequests()).isNotEmpty().allMatch(r -> r.equals(tokenRequest(401)));
        // without a token nothing reaches the storage side
        assertThat(server.requests()).isEmpty();
        assertThat(server.files("exports")).isEmpty();

        assertThat(adls.check(l, Map.of("batch_id", "1"))).contains("AADSTS7000215").doesNotContain(WRONG_SECRET);
    }

    @Test
    void aPrincipalWithoutWritePermissionIsToldWhichRoleItNeeds() throws Exception {
        server.denyWrites("exports", "sales/");
        LakeSpec l = lake("sales/o_{batch_id}.csv", principal("SP_SECRET"));

        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), l, 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("service principal (client id " + CLIENT_ID + ") in tenant " + TENANT
                + " may not write to 'sales' in file system 'exports' of account 'devlake' "
                + "(HTTP 403 AuthorizationPermissionMismatch)", "Storage Blob Data Contributor")
                .doesNotContain(SECRET);
        assertThat(server.files("exports")).isEmpty();
        assertThat(adls.check(l, Map.of("batch_id", "1"))).contains("AuthorizationPermissionMismatch",
                "Storage Blob Data Contributor");
    }

    @Test
    void aPrincipalOfAnotherTenantIsRefusedByTheAccount() throws Exception {
        server.accountTenant(OTHER_TENANT);
        LakeSpec l = lake("sales/o_{batch_id}.csv", principal("SP_SECRET"));

        Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), l, 0);

        // the token of TENANT is refused with a challenge naming OTHER_TENANT; azure-identity will not get a token
        // for a tenant the credential is not configured for
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).isEqualTo("could not get a Microsoft Entra ID token with service principal (client id "
                + CLIENT_ID + ") in tenant " + TENANT + ": the storage service asked for a token of tenant "
                + OTHER_TENANT + ", the directory the account belongs to, and the credential is not of that tenant: "
                + "use an identity of tenant " + OTHER_TENANT + " (for a service principal, one registered there, "
                + "with tenant_id = \"" + OTHER_TENANT + "\")");
        assertThat(server.authorizations()).extracting(DfsServer.Authorization::scheme).containsOnly("Bearer");
        assertThat(server.identityRequests()).containsExactly(tokenRequest(200));
        assertThat(server.files("exports")).isEmpty();
    }

    @Test
    void checkAcceptsAGoodPrincipalAndLeavesNothing() {
        LakeSpec l = lake("sales/orders_{batch_id}.csv", principal("SP_SECRET"));

        assertThat(adls.check(l, Map.of("batch_id", "1"))).isNull();

        assertThat(server.files("exports")).isEmpty();
        assertThat(server.directories("exports")).isEmpty();
        assertThat(server.identityRequests()).containsExactly(tokenRequest(200), tokenRequest(200));
        assertThat(server.authorizations()).isNotEmpty().allMatch(a -> a.scheme().equals("Bearer"));
    }

    /**
     * A machine without Azure variables, managed identity or Azure CLI. The managed identity endpoint is pointed
     * at a closed local port (azure-identity's {@code AZURE_POD_IDENTITY_AUTHORITY_HOST}, set in azure-core's
     * global configuration, not the environment) so that it is absent as on such a machine, whatever the network
     * around the test does with 169.254.169.254 (this sandbox's proxy answers it with 403, a managed identity that
     * fails rather than one that is not there).
     */
    @Test
    void theDefaultChainWithNothingConfiguredSaysWhatToSet() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Configuration global = Configuration.getGlobalConfiguration();
        String before = global.get(IMDS_HOST);
        global.put(IMDS_HOST, "http://127.0.0.1:" + closed);
        try {
            LakeSpec l = lake("sales/o_{batch_id}.csv", new AzureAuth.DefaultChain(null, null));

            Delivered d = adls.deliver(shipment(csv(), ExportMode.INCREMENTAL, 1L, 2L), l, 0);

            assertThat(d.ok()).isFalse();
            assertThat(d.detail()).startsWith("could not get a Microsoft Entra ID token with the default credential "
                    + "chain (environment, workload identity, managed identity, Azure CLI): ")
                    .contains("EnvironmentCredential authentication unavailable",
                            "ManagedIdentityCredential authentication unavailable",
                            "set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET");
            assertThat(adls.check(l, Map.of("batch_id", "1"))).startsWith("could not get a Microsoft Entra ID token "
                    + "with the default credential chain");
            assertThat(server.requests()).isEmpty();
            assertThat(server.identityRequests()).isEmpty();
        } finally {
            if (before == null) {
                global.remove(IMDS_HOST);
            } else {
                global.put(IMDS_HOST, before);
            }
        }
    }
}
