package io.flowexport.destination.adls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.ParallelTransferOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.file.datalake.DataLakeFileAsyncClient;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.ListPathsOptions;
import com.azure.storage.file.datalake.models.PathHttpHeaders;
import com.azure.storage.file.datalake.models.PathItem;
import com.azure.storage.file.datalake.models.PathProperties;
import io.flowexport.destination.adls.DfsServer.Op;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@link DfsServer} with the real Azure SDK (azure-storage-file-datalake), as production code will. */
class DfsServerTest {

    private static final String ACCOUNT = "devacct";
    private static final String KEY = key("a 64 byte test key for the in-memory DFS server, not a secret!!!");
    private static final String SAS = "sv=2021-08-06&ss=b&srt=co&sp=rwdlac&se=2099-01-01T00:00:00Z&sig=abc%2Bdef";
    private static final Pattern POSITION = Pattern.compile("position=(\\d+)");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    Path tmp;

    private DfsServer server;

    @BeforeEach
    void start() {
        server = DfsServer.start(ACCOUNT, KEY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void smallUploadIsCreateAppendFlushAndReadsBack() throws Exception {
        DataLakeServiceClient service = client(KEY);
        DataLakeFileSystemClient fs = service.createFileSystem("fs");
        byte[] content = "id,name\n1,Ada\n".getBytes(StandardCharsets.UTF_8);
        DataLakeFileClient file = fs.getFileClient("out/small.csv");

        file.uploadFromFile(local("small.csv", content), true);

        assertThat(server.requests()).containsExactly(
                "PUT /devacct/fs?restype=container",
                "PUT /devacct/fs/out/small.csv?resource=file",
                "PATCH /devacct/fs/out/small.csv?action=append&position=0",
                "PATCH /devacct/fs/out/small.csv?action=flush&position=14&retainUncommittedData=false&close=false");
        assertThat(server.files("fs")).containsOnlyKeys("out/small.csv");
        assertThat(server.files("fs").get("out/small.csv")).isEqualTo(content);
        assertThat(server.directories("fs")).containsExactly("out");
        assertThat(server.info("fs", "out/small.csv")).hasValueSatisfying(info -> {
            assertThat(info.length()).isEqualTo(14);
            assertThat(info.contentMd5Base64()).isNull();
            assertThat(info.directory()).isFalse();
        });

        ByteArrayOutputStream read = new ByteArrayOutputStream();
        file.read(read);
        assertThat(read.toByteArray()).isEqualTo(content);
        Path downloaded = tmp.resolve("downloaded.csv");
        file.readToFile(downloaded.toString());
        assertThat(Files.readAllBytes(downloaded)).isEqualTo(content);

        assertError(() -> file.uploadFromFile(local("other.csv", new byte[] {1, 2, 3}), false), 409,
                "PathAlreadyExists");
        assertThat(server.files("fs").get("out/small.csv")).isEqualTo(content);
        // The SDK creates file systems through the Blob API, so the conflict carries the Blob error code.
        assertError(() -> service.createFileSystem("fs"), 409, "ContainerAlreadyExists");
    }

    @Test
    void emptyFilesAreCreatedAndReadWithoutAppends() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        DataLakeFileClient file = fs.getFileClient("empty.csv");

        file.uploadFromFile(local("empty.csv", new byte[0]), true);
        Path downloaded = tmp.resolve("empty-downloaded.csv");
        file.readToFile(downloaded.toString());

        assertThat(server.requests()).filteredOn(r -> r.startsWith("PATCH")).isEmpty();
        assertThat(server.files("fs").get("empty.csv")).isEmpty();
        assertThat(Files.size(downloaded)).isZero();
    }

    @Test
    void parallelUploadAppendsChunksAndCommitsOnceWithMetadataAndMd5() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        byte[] content = new byte[1024 * 1024 + 123];
        new Random(7).nextBytes(content);
        byte[] md5 = MessageDigest.getInstance("MD5").digest(content);
        Map<String, String> metadata = Map.of("source", "flow-export", "rows", "42");
        server.clearRequests();

        fs.getFileClient("big/data.bin").uploadFromFile(local("data.bin", content), chunks(),
                new PathHttpHeaders().setContentMd5(md5).setContentType("text/csv"), metadata, null,
                Duration.ofSeconds(30));

        List<String> appends = server.requests().stream().filter(r -> r.contains("action=append")).toList();
        assertThat(appends).hasSize(17);
        assertThat(appends.stream().map(DfsServerTest::position).collect(Collectors.toSet()))
                .hasSize(17).contains(0L, 65_536L, 16 * 65_536L);
        assertThat(server.requests()).filteredOn(r -> r.contains("action=flush")).containsExactly(
                "PATCH /devacct/fs/big/data.bin?action=flush&position=1048699&retainUncommittedData=false&close=false");
        assertThat(server.requests().get(server.requests().size() - 1)).contains("action=flush");
        assertThat(server.files("fs").get("big/data.bin")).isEqualTo(content);
        assertThat(server.info("fs", "big/data.bin")).hasValueSatisfying(info -> {
            assertThat(info.length()).isEqualTo(content.length);
            assertThat(info.contentMd5Base64()).isEqualTo(Base64.getEncoder().encodeToString(md5));
            assertThat(info.contentType()).isEqualTo("text/csv");
            assertThat(info.metadata()).isEqualTo(metadata);
        });

        PathProperties properties = fs.getFileClient("big/data.bin").getProperties();
        assertThat(properties.getFileSize()).isEqualTo(content.length);
        assertThat(properties.getContentMd5()).isEqualTo(md5);
        assertThat(properties.getContentType()).isEqualTo("text/csv");
        assertThat(properties.getMetadata()).isEqualTo(metadata);
        assertThat(properties.isDirectory()).isFalse();
    }

    @Test
    void appendsMayArriveInAnyOrderButOnlyAContiguousRunCanBeFlushed() {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        DataLakeFileClient file = fs.createFile("parts.txt");

        file.append(BinaryData.fromString("world"), 5);
        assertError(() -> file.flush(10, true), 400, "InvalidFlushPosition");
        file.append(BinaryData.fromString("hello"), 0);
        assertThat(server.files("fs").get("parts.txt")).isEmpty();
        assertError(() -> file.flush(7, true), 400, "InvalidFlushPosition");

        file.flush(10, true);

        assertThat(server.files("fs").get("parts.txt")).asString(StandardCharsets.UTF_8).isEqualTo("helloworld");
        assertError(() -> file.append(BinaryData.fromString("x"), 3), 400, "InvalidFlushPosition");
        assertError(() -> fs.getFileClient("missing.txt").append(BinaryData.fromString("x"), 0), 404,
                "PathNotFound");
    }

    @Test
    void renameMovesAtomicallyAndHonoursIfNoneMatch() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        DataLakeFileClient first = fs.getFileClient("dir/part-1.tmp");
        first.uploadFromFile(local("a.csv", bytes("first")), false);
        DataLakeRequestConditions absent = new DataLakeRequestConditions().setIfNoneMatch("*");

        DataLakeFileClient renamed =
                first.renameWithResponse(null, "dir/final.csv", null, absent, null, Context.NONE).getValue();

        assertThat(server.requests()).contains("PUT /devacct/fs/dir/final.csv?mode=legacy");
        assertThat(server.files("fs")).containsOnlyKeys("dir/final.csv");
        assertThat(first.exists()).isFalse();
        assertThat(renamed.exists()).isTrue();
        assertThat(server.requests().get(server.requests().size() - 1)).isEqualTo("HEAD /devacct/fs/dir/final.csv");
        // SDK quirk: the client that rename returns reports its path URL-encoded (its requests use the right path).
        assertThat(renamed.getFilePath()).isEqualTo("dir%2Ffinal.csv");

        DataLakeFileClient second = fs.getFileClient("dir/part-2.tmp");
        second.uploadFromFile(local("b.csv", bytes("second")), null, null, Map.of("batch", "2"), null, null);
        assertError(() -> second.renameWithResponse(null, "dir/final.csv", null, absent, null, Context.NONE), 409,
                "PathAlreadyExists");
        assertThat(server.files("fs")).containsOnlyKeys("dir/final.csv", "dir/part-2.tmp");
        assertThat(server.files("fs").get("dir/final.csv")).asString(StandardCharsets.UTF_8).isEqualTo("first");

        second.renameWithResponse(null, "dir/final.csv", null, null, null, Context.NONE);

        assertThat(server.files("fs")).containsOnlyKeys("dir/final.csv");
        assertThat(server.files("fs").get("dir/final.csv")).asString(StandardCharsets.UTF_8).isEqualTo("second");
        assertThat(server.info("fs", "dir/final.csv").orElseThrow().metadata()).isEqualTo(Map.of("batch", "2"));
    }

    @Test
    void renameNeedsAnExistingSourceAndDestinationParent() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        DataLakeFileClient file = fs.getFileClient("dir/odd name+1.tmp");
        file.uploadFromFile(local("c.csv", bytes("x")), false);

        // As on the service: a rename does not create the destination's parent directories.
        assertError(() -> file.rename(null, "elsewhere/final.csv"), 404, "RenameDestinationParentPathNotFound");
        assertError(() -> fs.getFileClient("dir/none.tmp").rename(null, "dir/final.csv"), 404,
                "SourcePathNotFound");
        fs.createDirectory("elsewhere");
        file.rename(null, "elsewhere/final.csv");

        assertThat(server.files("fs")).containsOnlyKeys("elsewhere/final.csv");
        assertThat(server.directories("fs")).containsExactly("dir", "elsewhere");
    }

    @Test
    void missingPathsAnswer404() {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        DataLakeFileClient missing = fs.getFileClient("no/such.csv");

        // getProperties and exists go through the Blob API (HEAD), which says BlobNotFound, not PathNotFound.
        assertError(missing::getProperties, 404, "BlobNotFound");
        assertThat(missing.exists()).isFalse();
        assertError(missing::delete, 404, "PathNotFound");
        assertError(() -> client(KEY).getFileSystemClient("nofs").createFile("a.csv"), 404, "FilesystemNotFound");

        server.putFile("fs", "seed/a.csv", bytes("seeded"), Map.of("k", "v"));
        assertThat(fs.getFileClient("seed/a.csv").exists()).isTrue();
        assertThat(fs.getFileClient("seed/a.csv").getProperties().getMetadata()).isEqualTo(Map.of("k", "v"));
        assertThat(fs.getDirectoryClient("seed").getProperties().isDirectory()).isTrue();
    }

    @Test
    void listsPathsAndDeletesLikeAHierarchicalNamespace() {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        server.putFile("fs", "a/1.csv", bytes("one"), Map.of());
        server.putFile("fs", "a/b/2.csv", bytes("two!"), Map.of());
        server.putFile("fs", "top.csv", bytes(""), Map.of());

        List<PathItem> all = fs.listPaths(new ListPathsOptions().setRecursive(true).setMaxResults(2), null).stream()
                .toList();
        assertThat(all).extracting(PathItem::getName).containsExactly("a", "a/1.csv", "a/b", "a/b/2.csv", "top.csv");
        assertThat(all).extracting(PathItem::isDirectory).containsExactly(true, false, true, false, false);
        assertThat(all).extracting(PathItem::getContentLength).containsExactly(0L, 3L, 0L, 4L, 0L);
        assertThat(all).allSatisfy(item -> assertThat(item.getLastModified()).isNotNull());
        assertThat(server.requests()).filteredOn(r -> r.contains("continuation=")).hasSize(2);
        assertThat(fs.listPaths().stream().map(PathItem::getName)).containsExactly("a", "top.csv");
        assertThat(fs.getDirectoryClient("a").listPaths().stream().map(PathItem::getName))
                .containsExactly("a/1.csv", "a/b");

        fs.getFileClient("top.csv").delete();
        assertThat(server.files("fs")).containsOnlyKeys("a/1.csv", "a/b/2.csv");
        assertError(() -> fs.getDirectoryClient("a").delete(), 409, "DirectoryNotEmpty");
        fs.getDirectoryClient("a").deleteRecursively();
        assertThat(server.files("fs")).isEmpty();
        assertThat(server.directories("fs")).isEmpty();
    }

    @Test
    void sharedKeySignaturesAreChecked() {
        client(KEY).createFileSystem("fs");
        DataLakeFileSystemClient wrongKey = client(key("another key entirely")).getFileSystemClient("fs");

        assertError(() -> wrongKey.createFile("a.csv"), 403, "AuthenticationFailed");
        assertError(() -> wrongKey.getFileClient("a.csv").getProperties(), 403, "AuthenticationFailed");
        assertThat(server.files("fs")).isEmpty();
    }

    @Test
    void requestsWithoutCredentialsAnswer401() throws Exception {
        // The SDK refuses to build an anonymous client, so this one goes without it.
        server.createFileSystem("fs");
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/fs?resource=filesystem&recursive=true"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("x-ms-error-code")).hasValue("NoAuthenticationInformation");
        assertThat(response.headers().firstValue("x-ms-request-id")).isPresent();
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer authorization_uri="
                + "https://login.microsoftonline.com/common/oauth2/authorize resource_id=https://storage.azure.com");
        assertThat(response.body()).startsWith("{\"error\":{\"code\":\"NoAuthenticationInformation\","
                + "\"message\":\"Server failed to authenticate the request.");
        assertThat(server.authorizations()).extracting(DfsServer.Authorization::scheme).containsExactly("none");
    }

    @Test
    void overHttpsItIsAlsoAnEntraIdAuthorityAndAcceptsTheTokensItIssued() throws Exception {
        try (DfsServer https = DfsServer.startHttps(ACCOUNT, KEY)) {
            https.createFileSystem("fs");
            https.registerServicePrincipal("tenant-1", "client-1", "secret-1");
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(DfsServer.clientSslContext()).build();
            assertThat(https.endpoint()).startsWith("https://127.0.0.1:").endsWith("/" + ACCOUNT);

            HttpResponse<String> discovery = client.send(HttpRequest.newBuilder(URI.create(https.authorityHost()
                    + "/tenant-1/v2.0/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(discovery.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(discovery.body()).get("token_endpoint").asText())
                    .isEqualTo(https.authorityHost() + "/tenant-1/oauth2/v2.0/token");

            HttpResponse<String> token = client.send(tokenRequest(https, "tenant-1", "client-1", "secret-1"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode issued = JSON.readTree(token.body());
            assertThat(issued.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(issued.get("expires_in").asInt()).isEqualTo(3599);
            String accessToken = issued.get("access_token").asText();
            assertThat(accessToken).isNotBlank();

            HttpResponse<String> listed = client.send(list(https, "Bearer " + accessToken),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);

            HttpResponse<String> unknown = client.send(list(https, "Bearer not-a-token-it-issued"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(unknown.headers().firstValue("x-ms-error-code")).hasValue("InvalidAuthenticationInfo");
            assertThat(unknown.headers().firstValue("WWW-Authenticate")).hasValue("Bearer authorization_uri=https://"
                    + "login.microsoftonline.com/tenant-1/oauth2/authorize resource_id=https://storage.azure.com");

            https.revokeTokens();
            assertThat(client.send(list(https, "Bearer " + accessToken), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);

            assertThat(https.authorizations()).containsExactly(
                    new DfsServer.Authorization("GET /devacct/fs?resource=filesystem&recursive=false", "Bearer",
                            "client-1"),
                    new DfsServer.Authorization("GET /devacct/fs?resource=filesystem&recursive=false", "Bearer", null),
                    new DfsServer.Authorization("GET /devacct/fs?resource=filesystem&recursive=false", "Bearer",
                            null));
        }
    }

    @Test
    void theTokenEndpointRefusesLikeEntraId() throws Exception {
        try (DfsServer https = DfsServer.startHttps(ACCOUNT, KEY)) {
            https.registerServicePrincipal("tenant-1", "client-1", "secret-1");
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(DfsServer.clientSslContext()).build();

            assertAadError(client.send(tokenRequest(https, "tenant-1", "client-1", "wrong"),
                    HttpResponse.BodyHandlers.ofString()), 401, "invalid_client", 7000215,
                    "AADSTS7000215: Invalid client secret provided.");
            assertAadError(client.send(tokenRequest(https, "tenant-1", "client-2", "secret-1"),
                    HttpResponse.BodyHandlers.ofString()), 400, "unauthorized_client", 700016,
                    "AADSTS700016: Application with identifier 'client-2' was not found in the directory 'tenant-1'.");
            assertAadError(client.send(tokenRequest(https, "tenant-2", "client-1", "secret-1"),
                    HttpResponse.BodyHandlers.ofString()), 400, "invalid_request", 90002,
                    "AADSTS90002: Tenant 'tenant-2' not found.");
            assertThat(https.identityRequests()).containsExactly(
                    "POST /tenant-1/oauth2/v2.0/token client_id=client-1&client_secret=***"
                            + "&grant_type=client_credentials&scope=https://storage.azure.com/.default -> 401",
                    "POST /tenant-1/oauth2/v2.0/token client_id=client-2&client_secret=***"
                            + "&grant_type=client_credentials&scope=https://storage.azure.com/.default -> 400",
                    "POST /tenant-2/oauth2/v2.0/token client_id=client-1&client_secret=***"
                            + "&grant_type=client_credentials&scope=https://storage.azure.com/.default -> 400");
        }
    }

    private static HttpRequest tokenRequest(DfsServer https, String tenant, String clientId, String secret) {
        String form = "client_id=" + clientId + "&client_secret=" + secret + "&grant_type=client_credentials"
                + "&scope=https%3A%2F%2Fstorage.azure.com%2F.default";
        return HttpRequest.newBuilder(URI.create(https.authorityHost() + "/" + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static HttpRequest list(DfsServer https, String authorization) {
        return HttpRequest.newBuilder(URI.create(https.endpoint() + "/fs?resource=filesystem&recursive=false"))
                .header("Authorization", authorization).header("x-ms-version", "2025-11-05").build();
    }

    private static void assertAadError(HttpResponse<String> response, int status, String error, int code,
                                       String description) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        com.fasterxml.jackson.databind.JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).startsWith(description).contains("\r\nTrace ID: ");
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(code);
    }

    @Test
    void sasTokensAreCheckedBySignature() throws Exception {
        client(KEY).createFileSystem("fs");
        server.acceptSas(SAS);
        DataLakeFileSystemClient sas = sasClient(SAS).getFileSystemClient("fs");
        DataLakeFileSystemClient wrongSig = sasClient(SAS.replace("abc%2Bdef", "abc%2Bxyz")).getFileSystemClient("fs");

        DataLakeFileClient file = sas.getFileClient("dir/part.tmp");
        file.uploadFromFile(local("s.csv", bytes("via sas")), false);
        DataLakeFileClient renamed = file.rename(null, "dir/final.csv");
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        renamed.read(read);

        assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("via sas");
        assertThat(server.requests()).contains(
                "PUT /devacct/fs/dir/part.tmp?resource=file&" + SAS,
                "PUT /devacct/fs/dir/final.csv?mode=legacy&" + SAS);
        assertError(() -> wrongSig.createFile("x.csv"), 403, "AuthenticationFailed");
        assertError(() -> wrongSig.getFileClient("dir/final.csv").getProperties(), 403, "AuthenticationFailed");
    }

    @Test
    void serverBusyOnAnAppendIsRetriedBySdk() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        server.failNext(Op.APPEND, 1, 503, "ServerBusy");

        fs.getFileClient("retry.csv").uploadFromFile(local("r.csv", bytes("retried")), false);

        assertThat(server.requests()).filteredOn(r -> r.contains("action=append")).containsExactly(
                "PATCH /devacct/fs/retry.csv?action=append&position=0",
                "PATCH /devacct/fs/retry.csv?action=append&position=0");
        assertThat(server.files("fs").get("retry.csv")).asString(StandardCharsets.UTF_8).isEqualTo("retried");
    }

    @Test
    void failWhenHitsOnlyMatchingRequestsAndLeavesNothingCommitted() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        server.failWhen(Op.APPEND, pathAndQuery -> position(pathAndQuery) > 0, Integer.MAX_VALUE, 500,
                "InternalError");
        byte[] content = new byte[256 * 1024];

        assertThatThrownBy(() -> fs.getFileClient("half.bin").uploadFromFile(local("half.bin", content), chunks(),
                null, null, null, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(DataLakeStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(500);
                    assertThat(e.getErrorCode()).isEqualTo("InternalError");
                });

        assertThat(server.files("fs").get("half.bin")).isEmpty();
        assertThat(server.requests()).filteredOn(r -> r.contains("action=flush")).isEmpty();
        server.reset();
        fs.getFileClient("whole.bin").uploadFromFile(local("whole.bin", content), chunks(), null, null, null, null);
        assertThat(server.files("fs").get("whole.bin")).isEqualTo(content);
    }

    @Test
    void aRenameWhoseResponseIsLostIsRetriedIntoSourcePathNotFound() throws Exception {
        DataLakeServiceClientBuilder impatient = builder()
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, Duration.ofSeconds(1),
                        Duration.ofMillis(10), Duration.ofMillis(50), null));
        DataLakeFileSystemClient fs = impatient.buildClient().createFileSystem("fs");
        fs.getFileClient("dir/part.tmp").uploadFromFile(local("p.csv", bytes("payload")), false);
        server.delayAfterApplying(Op.RENAME, 1, Duration.ofSeconds(3));

        // The try timeout works on the asynchronous client: the first try times out after the rename took effect,
        // the retry finds no source.
        DataLakeFileAsyncClient file = impatient.buildAsyncClient().getFileSystemAsyncClient("fs")
                .getFileAsyncClient("dir/part.tmp");
        assertError(() -> file.renameWithResponse(null, "dir/final.csv", null,
                new DataLakeRequestConditions().setIfNoneMatch("*")).block(), 404, "SourcePathNotFound");

        assertThat(server.files("fs")).containsOnlyKeys("dir/final.csv");
        assertThat(server.requests()).filteredOn(r -> r.startsWith("PUT /devacct/fs/dir/final.csv")).containsExactly(
                "PUT /devacct/fs/dir/final.csv?mode=legacy", "PUT /devacct/fs/dir/final.csv?mode=legacy");
    }

    @Test
    void theSynchronousClientTimesOutOnTheHttpClientsResponseTimeoutNotOnTheTryTimeout() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        fs.getFileClient("dir/a.tmp").uploadFromFile(local("a.csv", bytes("a")), false);
        fs.getFileClient("dir/b.tmp").uploadFromFile(local("b.csv", bytes("b")), false);
        server.delayAfterApplying(Op.RENAME, 2, Duration.ofSeconds(2));

        // A synchronous client does not apply RequestRetryOptions' try timeout to a slow response: it waits.
        DataLakeFileSystemClient tryTimeoutOnly = builder()
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, Duration.ofSeconds(1),
                        Duration.ofMillis(10), Duration.ofMillis(50), null))
                .buildClient().getFileSystemClient("fs");
        tryTimeoutOnly.getFileClient("dir/a.tmp").rename(null, "dir/a.csv");
        assertThat(server.requests()).filteredOn(r -> r.startsWith("PUT /devacct/fs/dir/a.csv")).hasSize(1);

        // The HTTP client's response timeout does cut the try short, and the retry finds no source.
        DataLakeFileSystemClient responseTimeout = builder().retryOptions(fastRetries())
                .httpClient(
                        HttpClient.createDefault(new HttpClientOptions().setResponseTimeout(Duration.ofMillis(300))))
                .buildClient().getFileSystemClient("fs");
        assertError(() -> responseTimeout.getFileClient("dir/b.tmp").rename(null, "dir/b.csv"), 404,
                "SourcePathNotFound");
        assertThat(server.requests()).filteredOn(r -> r.startsWith("PUT /devacct/fs/dir/b.csv")).hasSize(2);
        assertThat(server.files("fs")).containsOnlyKeys("dir/a.csv", "dir/b.csv");
    }

    @Test
    void deniedWritesAnswerAuthorizationPermissionMismatch() throws Exception {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        fs.getFileClient("open/a.csv").uploadFromFile(local("o.csv", bytes("open")), false);
        server.denyWrites("fs", "locked/");

        assertError(() -> fs.createFile("locked/a.csv"), 403, "AuthorizationPermissionMismatch");
        assertError(() -> fs.getFileClient("open/a.csv").rename(null, "locked/a.csv"), 403,
                "AuthorizationPermissionMismatch");
        assertThat(fs.getFileClient("open/a.csv").exists()).isTrue();
        fs.createFile("open/b.csv");

        server.reset();
        fs.createFile("locked/a.csv");
        assertThat(server.files("fs")).containsOnlyKeys("open/a.csv", "open/b.csv", "locked/a.csv");
    }

    @Test
    void closeDoesNotWaitForADelayedResponse() {
        DataLakeFileSystemClient fs = client(KEY).createFileSystem("fs");
        server.delayAfterApplying(Op.CREATE_FILE, 1, Duration.ofSeconds(30));
        CompletableFuture<?> create = CompletableFuture.runAsync(() -> fs.createFile("slow.csv"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.requests().contains("PUT /devacct/fs/slow.csv?resource=file"));

        long started = System.nanoTime();
        server.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(create::isDone);
        assertThat(create).isCompletedExceptionally();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private DataLakeServiceClient client(String key) {
        return new DataLakeServiceClientBuilder().endpoint(server.endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, key))
                .retryOptions(fastRetries())
                .buildClient();
    }

    private DataLakeServiceClientBuilder builder() {
        return new DataLakeServiceClientBuilder().endpoint(server.endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY));
    }

    private DataLakeServiceClient sasClient(String token) {
        return new DataLakeServiceClientBuilder().endpoint(server.endpoint()).sasToken(token)
                .retryOptions(fastRetries()).buildClient();
    }

    private static RequestRetryOptions fastRetries() {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 3, (Duration) null, Duration.ofMillis(10),
                Duration.ofMillis(50), null);
    }

    private static ParallelTransferOptions chunks() {
        return new ParallelTransferOptions().setBlockSizeLong(64L * 1024).setMaxSingleUploadSizeLong(64L * 1024)
                .setMaxConcurrency(4);
    }

    private String local(String name, byte[] content) throws Exception {
        Path file = tmp.resolve(name);
        Files.write(file, content);
        return file.toString();
    }

    private static void assertError(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(DataLakeStorageException.class, e -> {
            assertThat(e.getStatusCode()).as("status of %s", e.getMessage()).isEqualTo(status);
            assertThat(e.getErrorCode()).as("error code of %s", e.getMessage()).isEqualTo(code);
        });
    }

    private static long position(String request) {
        Matcher matcher = POSITION.matcher(request);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
