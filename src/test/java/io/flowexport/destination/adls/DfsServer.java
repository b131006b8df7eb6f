package io.flowexport.destination.adls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.Collator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * An in-memory stand-in for one Azure Data Lake Storage Gen2 account (hierarchical namespace enabled), for tests.
 *
 * <p>It speaks the part of the REST API that {@code com.azure:azure-storage-file-datalake} 12.25 uses when pointed at
 * {@link #endpoint()} (a path-style URL, {@code http://127.0.0.1:PORT/<account>}). That SDK talks to two APIs on the
 * same host when the host name has no {@code .dfs.} in it: the DFS API (create, append, flush, rename, delete, list)
 * and the Blob API (create file system: {@code PUT ?restype=container}; get properties and exists: {@code HEAD}; read:
 * {@code GET}). Both are served here. Errors carry the codes and messages of the real service: JSON
 * {@code {"error":{"code","message"}}} for DFS requests, XML {@code <Error><Code/><Message/></Error>} for Blob
 * requests (told apart by {@code restype=container} or an {@code Accept} header naming XML), always with the
 * {@code x-ms-error-code} header; HEAD errors have no body.
 *
 * <p>Requests are authenticated like the service does: SharedKey (the string-to-sign is built here from the request
 * as received, independently of the SDK), a SAS token registered with {@link #acceptSas(String)} (only its
 * {@code sig} is compared; permissions and expiry are not checked), or a Microsoft Entra ID bearer token that this
 * server's own token endpoint issued (see below). A request without credentials answers 401
 * {@code NoAuthenticationInformation}, a bearer token the server did not issue (or expired, or for another audience)
 * 401 {@code InvalidAuthenticationInfo} (so does one issued in a tenant other than the account's,
 * {@link #accountTenant(String)}); both carry the service's challenge
 * {@code WWW-Authenticate: Bearer authorization_uri=https://login.microsoftonline.com/<tenant>/oauth2/authorize
 * resource_id=https://storage.azure.com}.
 *
 * <p><b>HTTPS and a mini Entra ID.</b> The SDK sends bearer tokens only over HTTPS, so {@link #startHttps} serves
 * the same API over TLS with a self-signed certificate for {@code 127.0.0.1} and {@code localhost} (made once per
 * JVM with the JDK's {@code keytool}; clients must trust it: {@link #clientSslContext()}, or
 * {@link #trustInThisJvm()} for code that builds its clients from the JVM's default trust). On the same port it
 * answers, for a tenant with a principal registered by {@link #registerServicePrincipal}:
 * <ul>
 *   <li>{@code POST /<tenant>/oauth2/v2.0/token}: the client credentials grant ({@code client_id},
 *   {@code client_secret}, {@code grant_type=client_credentials}, {@code scope=<resource>/.default}), answered
 *   {@code {"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"<random>"}}; errors as
 *   the real service words them: a wrong secret 401 {@code invalid_client} AADSTS7000215, an unknown client 400
 *   {@code unauthorized_client} AADSTS700016, an unknown tenant 400 {@code invalid_request} AADSTS90002;</li>
 *   <li>{@code GET /<tenant>/v2.0/.well-known/openid-configuration}: a discovery document naming that token
 *   endpoint. MSAL does not ask for it for an authority of the Entra ID shape ({@code https://host/<tenant>}), whose
 *   token endpoint it derives; it is there for OIDC-style authorities.</li>
 * </ul>
 * Those two paths are taken for identity requests only when their first segment is not the account name.
 * {@link #identityRequests()} logs them (without the secret); {@link #authorizations()} tells how each storage
 * request authenticated and, for a bearer token, which client it was issued to.
 *
 * <p>Behaviour modelled on the real service, some of it stricter than a naive fake:
 * <ul>
 *   <li>creating a file or directory creates missing parent directories; a rename does not: a missing parent of the
 *   destination answers 404 {@code RenameDestinationParentPathNotFound};</li>
 *   <li>appends are kept as uncommitted pieces by position (they may arrive in any order, in parallel) and only a
 *   flush at the end of a contiguous run commits them (else 400 {@code InvalidFlushPosition});</li>
 *   <li>a rename is one atomic step; it replaces an existing destination unless {@code If-None-Match: *} is sent
 *   (409 {@code PathAlreadyExists}); metadata and properties move with the path;</li>
 *   <li>a missing path answers 404 {@code BlobNotFound} to Blob API requests (what the SDK's {@code getProperties},
 *   {@code exists} and {@code read} use) and {@code PathNotFound} to DFS requests.</li>
 * </ul>
 *
 * <p>Everything a test can call is thread-safe. HTTP is served by {@link MiniHttpServer} (JDK only, one thread per
 * connection), not by {@code com.sun.net.httpserver.HttpServer}, which rewrites response header names and so would
 * hide {@code x-ms-meta-*} metadata from the SDK. A response delayed by {@link #delayAfterApplying(Op, int, Duration)}
 * holds up only its own connection. With {@code -Ddfsserver.trace=true} every request's headers and the answer are
 * printed to standard error.
 */
public final class DfsServer implements AutoCloseable {

    /** The kind of operation a request asks for, used to aim injected faults and delays. */
    public enum Op {
        /** {@code PUT /acct/fs?restype=container} (Blob API, what the SDK sends) or {@code ?resource=filesystem}. */
        CREATE_FILESYSTEM,
        /** {@code PUT /acct/fs/path?resource=file}. */
        CREATE_FILE,
        /** {@code PUT /acct/fs/path?resource=directory}. */
        CREATE_DIRECTORY,
        /** {@code PATCH /acct/fs/path?action=append&position=N}. */
        APPEND,
        /** {@code PATCH /acct/fs/path?action=flush&position=N}. */
        FLUSH,
        /** {@code PUT /acct/fs/path} with an {@code x-ms-rename-source} header. */
        RENAME,
        /** {@code HEAD /acct/fs/path}, and {@code HEAD}/{@code GET} of a file system's properties. */
        GET_PROPERTIES,
        /** {@code GET /acct/fs/path}. */
        READ,
        /** {@code DELETE /acct/fs/path}, and deleting a file system. */
        DELETE,
        /** {@code GET /acct/fs?resource=filesystem}. */
        LIST
    }

    /**
     * What the server holds for one path.
     *
     * @param length committed (flushed) length in bytes, 0 for a directory
     * @param contentMd5Base64 the Content-MD5 property (base 64) if one was set by a flush, else null
     * @param contentType the Content-Type property
     * @param metadata user metadata, decoded
     * @param directory whether the path is a directory
     */
    public record PathInfo(long length, String contentMd5Base64, String contentType, Map<String, String> metadata,
            boolean directory) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    /** With {@code -Ddfsserver.trace=true}, every request's headers and its answer are printed to standard error. */
    private static final boolean TRACE = Boolean.getBoolean("dfsserver.trace");
    /** Difference between the Windows file time epoch (1601) and the Unix epoch, in milliseconds. */
    private static final long FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000L;

    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("AuthenticationFailed", "Server failed to authenticate the request. Make sure the value of "
                    + "Authorization header is formed correctly including the signature."),
            Map.entry("InvalidAuthenticationInfo", "Server failed to authenticate the request. Please refer to the "
                    + "information in the www-authenticate header."),
            Map.entry("NoAuthenticationInformation", "Server failed to authenticate the request. Please refer to the "
                    + "information in the www-authenticate header."),
            Map.entry("AuthorizationPermissionMismatch",
                    "This request is not authorized to perform this operation using this permission."),
            Map.entry("AuthorizationFailure", "This request is not authorized to perform this operation."),
            Map.entry("FilesystemNotFound", "The specified filesystem does not exist."),
            Map.entry("FilesystemAlreadyExists", "The specified filesystem already exists."),
            Map.entry("ContainerNotFound", "The specified container does not exist."),
            Map.entry("ContainerAlreadyExists", "The specified container already exists."),
            Map.entry("BlobNotFound", "The specified blob does not exist."),
            Map.entry("PathNotFound", "The specified path does not exist."),
            Map.entry("PathAlreadyExists", "The specified path already exists."),
            Map.entry("PathConflict", "The specified path, or an element of the path, exists and its resource type "
                    + "is invalid for this operation."),
            Map.entry("SourcePathNotFound", "The source path for a rename operation does not exist."),
            Map.entry("RenameDestinationParentPathNotFound",
                    "The parent directory of the destination path does not exist."),
            Map.entry("InvalidDestinationPath", "The specified path, or an element of the path, exists and its "
                    + "resource type is invalid for this operation."),
            Map.entry("InvalidRenameSourcePath", "The source directory cannot be the same as the destination "
                    + "directory, nor can the destination be a subdirectory of the source directory."),
            Map.entry("InvalidSourceOrDestinationResourceType",
                    "The source and destination resource type must be identical."),
            Map.entry("DirectoryNotEmpty",
                    "The recursive query parameter value must be true to delete a non-empty directory."),
            Map.entry("InvalidFlushPosition", "The uploaded data is not contiguous or the position query parameter "
                    + "value is not equal to the length of the file after appending the uploaded data."),
            Map.entry("ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met."),
            Map.entry("SourceConditionNotMet",
                    "The source condition specified using HTTP conditional header(s) is not met."),
            Map.entry("Md5Mismatch",
                    "The MD5 value specified in the request did not match with the MD5 value calculated by the "
                            + "server."),
            Map.entry("InvalidRange", "The range specified is invalid for the current size of the resource."),
            Map.entry("MissingRequiredQueryParameter",
                    "A query parameter that's mandatory for this request is not specified."),
            Map.entry("InvalidQueryParameterValue",
                    "Value for one of the query parameters specified in the request URI is invalid."),
            Map.entry("InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format."),
            Map.entry("InvalidUri", "The request URI is invalid."),
            Map.entry("InvalidSourceUri", "The source URI is invalid."),
            Map.entry("ServerBusy", "The server is currently unable to receive requests. Please retry your request."),
            Map.entry("InternalError", "The server encountered an internal error. Please retry the request."),
            Map.entry("OperationTimedOut", "The operation could not be completed within the permitted time."));

    /** The audience of storage tokens; clients ask for the scope {@code https://storage.azure.com/.default}. */
    static final String STORAGE_RESOURCE = "https://storage.azure.com";
    private static final Pattern TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
    private static final Pattern DISCOVERY_PATH = Pattern.compile("/([^/]+)/v2\\.0/\\.well-known/openid-configuration");
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3599);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The one certificate of every HTTPS server in this JVM; guarded by the class. */
    private static Tls tls;

    /**
     * How one storage request authenticated.
     *
     * @param request {@code "METHOD /decoded/path?query-as-sent"}, as {@link #requests()} logs it
     * @param scheme {@code SharedKey}, {@code SAS}, {@code Bearer} or {@code none}
     * @param clientId for a bearer token this server issued, the client it was issued to; else null
     */
    public record Authorization(String request, String scheme, String clientId) {
    }

    /**
     * A trust store file.
     *
     * @param path the PKCS12 file
     * @param password its password
     * @param type {@code PKCS12}
     */
    public record TrustStore(Path path, String password, String type) {
    }

    private final String account;
    private final byte[] key;
    private final MiniHttpServer http;

    /** Client secrets by client id, by tenant. */
    private final Map<String, Map<String, String>> principals = new ConcurrentHashMap<>();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private volatile String accountTenant;
    private final List<String> identityRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<Authorization> authorizations = Collections.synchronizedList(new ArrayList<>());

    private final Object lock = new Object();
    /** File systems by name; guarded by {@link #lock}. */
    private final Map<String, FileSystem> fileSystems = new TreeMap<>();
    private final AtomicLong etags = new AtomicLong(0x1D00000000000L);

    private final Set<String> sasSignatures = Collections.synchronizedSet(new TreeSet<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Delay> delays = new CopyOnWriteArrayList<>();
    private final List<Deny> denials = new CopyOnWriteArrayList<>();

    private DfsServer(String account, byte[] key, SSLContext tls) {
        this.account = account;
        this.key = key;
        this.http = new MiniHttpServer(this::handle, tls == null ? "dfs-server" : "dfs-server-https", tls);
    }

    /**
     * Starts a server for one storage account on 127.0.0.1 and a free port.
     *
     * @param account the storage account name (the first path segment of every request)
     * @param base64Key the account key, base 64, used to check SharedKey signatures
     * @return the running server
     */
    public static DfsServer start(String account, String base64Key) {
        return new DfsServer(checkAccount(account), Base64.getDecoder().decode(base64Key), null);
    }

    /**
     * Starts a server for one storage account on 127.0.0.1 and a free port that speaks HTTPS, with the certificate
     * of {@link #clientSslContext()} (subject alternative names {@code IP:127.0.0.1} and {@code DNS:localhost}),
     * and is also a Microsoft Entra ID authority host for principals registered with
     * {@link #registerServicePrincipal}.
     *
     * @param account the storage account name (the first path segment of every storage request)
     * @param base64Key the account key, base 64, used to check SharedKey signatures
     * @return the running server
     */
    public static DfsServer startHttps(String account, String base64Key) {
        return new DfsServer(checkAccount(account), Base64.getDecoder().decode(base64Key), tls().serverContext);
    }

    private static String checkAccount(String account) {
        if (account == null || account.isEmpty() || account.contains("/")) {
            throw new IllegalArgumentException("account must be a plain name: " + account);
        }
        return account;
    }

    /**
     * The endpoint to give the SDK: {@code http://127.0.0.1:PORT/<account>} ({@code https://} when started with
     * {@link #startHttps}).
     *
     * @return the account URL
     */
    public String endpoint() {
        return authorityHost() + "/" + account;
    }

    /**
     * The server's origin, {@code https://127.0.0.1:PORT} for a server started with {@link #startHttps}: the
     * authority host to give a service principal credential.
     *
     * @return scheme, host and port, without a trailing slash
     */
    public String authorityHost() {
        return http.scheme() + "://127.0.0.1:" + http.port();
    }

    /**
     * Registers a service principal (an app registration with a client secret) in a tenant, so that the token
     * endpoint issues it storage tokens. The first tenant registered is also the account's tenant, whose tokens
     * alone the storage side accepts, unless {@link #accountTenant(String)} says otherwise.
     *
     * @param tenant the tenant (directory) id
     * @param clientId the application (client) id
     * @param clientSecret the client secret
     */
    public synchronized void registerServicePrincipal(String tenant, String clientId, String clientSecret) {
        principals.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(clientId, clientSecret);
        if (accountTenant == null) {
            accountTenant = tenant;
        }
    }

    /**
     * Sets the tenant the storage account belongs to: only tokens issued in it are accepted, and 401 challenges name
     * it in their {@code authorization_uri} (by default the first tenant registered; before that, any tenant's
     * tokens are accepted and challenges name {@code common}).
     *
     * @param tenant the tenant id
     */
    public synchronized void accountTenant(String tenant) {
        accountTenant = tenant;
    }

    /**
     * Forgets every token issued so far: storage requests carrying one answer 401 {@code InvalidAuthenticationInfo},
     * as for a token the service cannot validate.
     */
    public void revokeTokens() {
        tokens.clear();
    }

    /**
     * Every request to the Entra ID endpoints so far, in arrival order: {@code "GET /<tenant>/v2.0/.well-known/..."}
     * or {@code "POST /<tenant>/oauth2/v2.0/token client_id=..&client_secret=***&grant_type=..&scope=.."} (the form
     * fields sorted by name, decoded, the secret hidden), followed by {@code " -> <status>"}.
     *
     * @return a copy of the log
     */
    public List<String> identityRequests() {
        synchronized (identityRequests) {
            return List.copyOf(identityRequests);
        }
    }

    /**
     * How each storage request authenticated, in arrival order (the same requests as {@link #requests()}).
     *
     * @return a copy of the log
     */
    public List<Authorization> authorizations() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    /**
     * The storage account name this server serves.
     *
     * @return the account name
     */
    public String account() {
        return account;
    }

    /**
     * Accepts requests that carry this SAS token's signature ({@code sig}) and no Authorization header. Only the
     * signature is compared (after URL-decoding); permissions, expiry and the other SAS fields are not checked.
     *
     * @param token a SAS token, with or without a leading {@code ?}
     */
    public void acceptSas(String token) {
        String sig = queryParameters(token.startsWith("?") ? token.substring(1) : token).getOrDefault("sig", List.of())
                .stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("SAS token without sig: " + token));
        sasSignatures.add(sig);
    }

    /**
     * Creates a file system directly (no HTTP request, nothing logged).
     *
     * @param fs the file system name
     * @throws IllegalStateException if it already exists
     */
    public void createFileSystem(String fs) {
        synchronized (lock) {
            if (fileSystems.containsKey(fs)) {
                throw new IllegalStateException("file system exists: " + fs);
            }
            fileSystems.put(fs, new FileSystem(nextEtag(), Instant.now(), Map.of()));
        }
    }

    /**
     * The committed (flushed) content of every file in a file system; data appended but not flushed is not included.
     *
     * @param fs the file system name
     * @return content by path (no leading slash), sorted by path; empty if the file system does not exist
     */
    public Map<String, byte[]> files(String fs) {
        synchronized (lock) {
            Map<String, byte[]> files = new TreeMap<>();
            FileSystem f = fileSystems.get(fs);
            if (f != null) {
                f.paths.forEach((path, node) -> {
                    if (!node.directory) {
                        files.put(path, node.content.clone());
                    }
                });
            }
            return files;
        }
    }

    /**
     * Every directory in a file system, created explicitly or as the parent of a path.
     *
     * @param fs the file system name
     * @return directory paths (no leading slash), sorted; empty if the file system does not exist
     */
    public Set<String> directories(String fs) {
        synchronized (lock) {
            Set<String> directories = new TreeSet<>();
            FileSystem f = fileSystems.get(fs);
            if (f != null) {
                f.paths.forEach((path, node) -> {
                    if (node.directory) {
                        directories.add(path);
                    }
                });
            }
            return directories;
        }
    }

    /**
     * What the server holds for one path.
     *
     * @param fs the file system name
     * @param path the path, without a leading slash
     * @return the path's length, properties and metadata, or empty if it does not exist
     */
    public Optional<PathInfo> info(String fs, String path) {
        synchronized (lock) {
            FileSystem f = fileSystems.get(fs);
            Node node = f == null ? null : f.paths.get(normalise(path));
            if (node == null) {
                return Optional.empty();
            }
            return Optional.of(new PathInfo(node.content.length, node.contentMd5, node.contentType,
                    Collections.unmodifiableMap(new LinkedHashMap<>(node.metadata)), node.directory));
        }
    }

    /**
     * Seeds a committed file (replacing any path of that name), creating its parent directories. No Content-MD5 is
     * set, as when the DFS API writes a file without one.
     *
     * @param fs the file system name; it must exist
     * @param path the path, without a leading slash
     * @param content the file's content
     * @param metadata user metadata, may be empty
     */
    public void putFile(String fs, String path, byte[] content, Map<String, String> metadata) {
        synchronized (lock) {
            FileSystem f = fileSystems.get(fs);
            if (f == null) {
                throw new IllegalStateException("no such file system: " + fs);
            }
            String p = normalise(path);
            for (String ancestor : ancestors(p)) {
                Node node = f.paths.get(ancestor);
                if (node != null && !node.directory) {
                    throw new IllegalStateException("a parent of " + p + " is a file: " + ancestor);
                }
            }
            Node existing = f.paths.get(p);
            if (existing != null && existing.directory) {
                throw new IllegalStateException("a directory exists at " + p);
            }
            Instant now = Instant.now();
            Node node = new Node(false, nextEtag(), now);
            node.content = content.clone();
            node.contentType = DEFAULT_CONTENT_TYPE;
            node.metadata.putAll(metadata);
            createParents(f, p, now);
            f.paths.put(p, node);
        }
    }

    /**
     * Every request received so far, in arrival order, as {@code "METHOD /decoded/path?query-as-sent"} (for example
     * {@code "PATCH /acct/fs/dir/a.csv?action=append&position=0"}); requests refused for authentication are included.
     *
     * @return a copy of the log
     */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Empties the request logs ({@link #requests()}, {@link #authorizations()}, {@link #identityRequests()}). */
    public void clearRequests() {
        requests.clear();
        authorizations.clear();
        identityRequests.clear();
    }

    /**
     * Answers the next {@code times} requests of an operation with an error, without applying them.
     *
     * @param op the operation
     * @param times how many requests fail; {@link Integer#MAX_VALUE} means all of them
     * @param status the HTTP status, for example 503
     * @param errorCode the error code, for example {@code ServerBusy}, {@code InternalError} or
     *     {@code AuthorizationPermissionMismatch}
     */
    public void failNext(Op op, int times, int status, String errorCode) {
        failWhen(op, pathAndQuery -> true, times, status, errorCode);
    }

    /**
     * Answers the next {@code times} requests of an operation whose {@code /decoded/path?query-as-sent} matches with
     * an error, without applying them.
     *
     * @param op the operation
     * @param pathAndQuery which requests, by {@code /acct/fs/path?query} (as logged by {@link #requests()}, without
     *     the method)
     * @param times how many requests fail; {@link Integer#MAX_VALUE} means all of them
     * @param status the HTTP status
     * @param errorCode the error code
     */
    public void failWhen(Op op, Predicate<String> pathAndQuery, int times, int status, String errorCode) {
        faults.add(new Fault(op, pathAndQuery, new AtomicInteger(times), status, errorCode));
    }

    /**
     * Applies the next {@code times} successful requests of an operation, then waits before answering, so that a
     * client with a shorter timeout gives up and retries although the request took effect (a lost response).
     *
     * @param op the operation
     * @param times how many requests are delayed; {@link Integer#MAX_VALUE} means all of them
     * @param delay how long to wait before answering
     */
    public void delayAfterApplying(Op op, int times, Duration delay) {
        delays.add(new Delay(op, new AtomicInteger(times), delay));
    }

    /**
     * Refuses every write under a path prefix with 403 {@code AuthorizationPermissionMismatch}, as a principal without
     * write permission would be refused: creating, appending, flushing, deleting and renaming into or out of it. An
     * empty prefix covers the whole file system, including creating and deleting it.
     *
     * @param fs the file system name
     * @param pathPrefix a path prefix without a leading slash (plain string prefix: {@code "out"} also covers
     *     {@code "outbox/a"})
     */
    public void denyWrites(String fs, String pathPrefix) {
        denials.add(new Deny(fs, pathPrefix.startsWith("/") ? pathPrefix.substring(1) : pathPrefix));
    }

    /** Removes every injected fault, delay and write denial (stored data and accepted SAS tokens are kept). */
    public void reset() {
        faults.clear();
        delays.clear();
        denials.clear();
    }

    /** Stops the server at once; requests being delayed are abandoned. */
    @Override
    public void close() {
        closed.countDown();
        http.close();
    }

    /** Released by {@link #close()}: answers held back by {@link #delayAfterApplying} are dropped at once. */
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    // ---------------------------------------------------------------------------------------------------------------
    // Request handling

    private MiniHttpServer.Response handle(MiniHttpServer.Request request) throws InterruptedException {
        MiniHttpServer.Response identity = identity(request);
        if (identity != null) {
            return identity;
        }
        Call call;
        try {
            call = new Call(request);
        } catch (Failure f) {
            log(request, percentDecode(request.rawPath()) + (request.rawQuery() == null ? "" : "?"
                    + request.rawQuery()));
            return response(request, null, errorReply(null, f));
        }
        log(request, call.pathAndQuery());
        Reply reply;
        Duration delay = null;
        try {
            authenticate(call);
            Op op = classify(call);
            if (op == null) {
                throw new Failure(501, "NotImplemented",
                        "DfsServer does not implement " + call.method + " " + call.pathAndQuery());
            }
            injectFault(op, call);
            checkWritesAllowed(op, call);
            reply = apply(op, call, request.body());
            delay = takeDelay(op);
        } catch (Failure f) {
            reply = errorReply(call, f);
        } catch (RuntimeException e) {
            reply = errorReply(call, new Failure(500, "InternalError", "DfsServer failed: " + e));
        }
        if (TRACE) {
            trace(request, reply);
        }
        if (delay != null) {
            // a late answer: held until the delay passes (simulated latency, not a test wait); when the server closes
            // first, it is never sent
            if (closed.await(delay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("the server closed while holding this answer back");
            }
        }
        return response(request, call, reply);
    }

    private void log(MiniHttpServer.Request request, String pathAndQuery) {
        String line = request.method() + " " + pathAndQuery;
        String authorization = request.header("Authorization");
        String scheme;
        String clientId = null;
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            scheme = space < 0 ? authorization : authorization.substring(0, space);
            if (scheme.equalsIgnoreCase("Bearer")) {
                Issued issued = tokens.get(authorization.substring(space + 1).trim());
                clientId = issued == null ? null : issued.clientId;
            }
        } else {
            scheme = queryParameters(request.rawQuery()).containsKey("sig") ? "SAS" : "none";
        }
        synchronized (requests) {
            requests.add(line);
            authorizations.add(new Authorization(line, scheme, clientId));
        }
    }

    private static void trace(MiniHttpServer.Request request, Reply reply) {
        StringBuilder text = new StringBuilder(">> ").append(request.method()).append(' ').append(request.rawPath())
                .append(request.rawQuery() == null ? "" : "?" + request.rawQuery()).append('\n');
        request.headers().forEach((name, values) -> text.append("   ").append(name).append(": ")
                .append(String.join(", ", values)).append('\n'));
        text.append("<< ").append(reply.status).append(' ').append(reply.headers);
        if (reply.body.length > 0) {
            text.append('\n').append(reply.body.length > 2000 ? reply.body.length + " bytes"
                    : new String(reply.body, StandardCharsets.UTF_8));
        }
        System.err.println(text);
    }

    private static Op classify(Call call) {
        if (call.fs.isEmpty()) {
            return null;
        }
        if (call.path.isEmpty()) {
            boolean container = "container".equals(call.param("restype"));
            boolean filesystem = "filesystem".equals(call.param("resource"));
            if ((!container && !filesystem) || call.param("comp") != null) {
                return null;
            }
            return switch (call.method) {
                case "PUT" -> Op.CREATE_FILESYSTEM;
                case "HEAD" -> Op.GET_PROPERTIES;
                case "GET" -> filesystem ? Op.LIST : Op.GET_PROPERTIES;
                case "DELETE" -> Op.DELETE;
                default -> null;
            };
        }
        if (call.param("comp") != null) {
            return null;
        }
        return switch (call.method) {
            case "PUT" -> {
                if (call.header("x-ms-rename-source") != null) {
                    yield Op.RENAME;
                }
                String resource = call.param("resource");
                yield "file".equals(resource) ? Op.CREATE_FILE
                        : "directory".equals(resource) ? Op.CREATE_DIRECTORY : null;
            }
            case "PATCH" -> {
                String action = call.param("action");
                yield "append".equals(action) ? Op.APPEND : "flush".equals(action) ? Op.FLUSH : null;
            }
            case "HEAD" -> Op.GET_PROPERTIES;
            case "GET" -> Op.READ;
            case "DELETE" -> Op.DELETE;
            default -> null;
        };
    }

    private void injectFault(Op op, Call call) {
        String pathAndQuery = call.pathAndQuery();
        for (Fault fault : faults) {
            if (fault.op == op && fault.when.test(pathAndQuery) && take(fault.remaining)) {
                throw new Failure(fault.status, fault.code,
                        MESSAGES.getOrDefault(fault.code, "Injected failure (" + fault.code + ")."));
            }
        }
    }

    private Duration takeDelay(Op op) {
        for (Delay delay : delays) {
            if (delay.op == op && take(delay.remaining)) {
                return delay.delay;
            }
        }
        return null;
    }

    private static boolean take(AtomicInteger remaining) {
        while (true) {
            int left = remaining.get();
            if (left <= 0) {
                return false;
            }
            if (left == Integer.MAX_VALUE || remaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    private void checkWritesAllowed(Op op, Call call) {
        if (denials.isEmpty()) {
            return;
        }
        boolean denied = switch (op) {
            case CREATE_FILESYSTEM -> denied(call.fs, null);
            case CREATE_FILE, CREATE_DIRECTORY, APPEND, FLUSH, DELETE -> denied(call.fs, call.path.isEmpty() ? null
                    : call.path);
            case RENAME -> {
                RenameSource source = renameSource(call);
                yield denied(call.fs, call.path) || denied(source.fs, source.path);
            }
            default -> false;
        };
        if (denied) {
            throw new Failure(403, "AuthorizationPermissionMismatch");
        }
    }

    /** Whether a write to a path (null: the file system itself) is denied. */
    private boolean denied(String fs, String path) {
        for (Deny deny : denials) {
            if (deny.fs.equals(fs) && (path == null ? deny.prefix.isEmpty() : path.startsWith(deny.prefix))) {
                return true;
            }
        }
        return false;
    }

    private Reply apply(Op op, Call call, byte[] body) {
        synchronized (lock) {
            if (call.path.isEmpty()) {
                return switch (op) {
                    case CREATE_FILESYSTEM -> createFileSystem(call);
                    case GET_PROPERTIES -> fileSystemProperties(call);
                    case DELETE -> deleteFileSystem(call);
                    case LIST -> list(call);
                    default -> throw new IllegalStateException(op.toString());
                };
            }
            return switch (op) {
                case CREATE_FILE -> createPath(call, false);
                case CREATE_DIRECTORY -> createPath(call, true);
                case APPEND -> append(call, body);
                case FLUSH -> flush(call);
                case RENAME -> rename(call);
                case GET_PROPERTIES -> pathProperties(call);
                case READ -> read(call);
                case DELETE -> delete(call);
                default -> throw new IllegalStateException(op.toString());
            };
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Operations (called with the lock held)

    private Reply createFileSystem(Call call) {
        if (fileSystems.containsKey(call.fs)) {
            throw new Failure(409, call.blob ? "ContainerAlreadyExists" : "FilesystemAlreadyExists");
        }
        FileSystem f = new FileSystem(nextEtag(), Instant.now(), metadata(call));
        fileSystems.put(call.fs, f);
        return new Reply(201).header("ETag", f.etag).header("Last-Modified", HTTP_DATE.format(f.lastModified));
    }

    private Reply fileSystemProperties(Call call) {
        FileSystem f = fileSystem(call);
        Reply reply = new Reply(200).header("ETag", f.etag)
                .header("Last-Modified", HTTP_DATE.format(f.lastModified))
                .header("x-ms-namespace-enabled", "true")
                .header("x-ms-lease-state", "available")
                .header("x-ms-lease-status", "unlocked")
                .header("x-ms-has-immutability-policy", "false")
                .header("x-ms-has-legal-hold", "false");
        f.metadata.forEach((name, value) -> reply.header("x-ms-meta-" + name, value));
        return reply;
    }

    private Reply deleteFileSystem(Call call) {
        fileSystem(call);
        fileSystems.remove(call.fs);
        return new Reply(202);
    }

    private Reply createPath(Call call, boolean directory) {
        FileSystem f = fileSystem(call);
        String path = call.path;
        for (String ancestor : ancestors(path)) {
            Node node = f.paths.get(ancestor);
            if (node != null && !node.directory) {
                throw new Failure(409, "PathConflict");
            }
        }
        Node existing = f.paths.get(path);
        if (existing != null && "*".equals(call.header("If-None-Match"))) {
            throw new Failure(409, "PathAlreadyExists");
        }
        checkConditions(call, existing, "", "ConditionNotMet", false);
        if (existing != null && existing.directory != directory) {
            throw new Failure(409, "PathConflict");
        }
        Instant now = Instant.now();
        Node node;
        if (existing != null && directory) {
            node = existing; // re-creating a directory keeps what is in it
            node.touch(nextEtag(), now);
            node.metadata.clear();
        } else {
            node = new Node(directory, nextEtag(), now);
        }
        node.metadata.putAll(metadata(call));
        node.contentType = firstNonNull(call.header("x-ms-content-type"), DEFAULT_CONTENT_TYPE);
        node.contentEncoding = call.header("x-ms-content-encoding");
        node.contentLanguage = call.header("x-ms-content-language");
        node.contentDisposition = call.header("x-ms-content-disposition");
        node.cacheControl = call.header("x-ms-cache-control");
        createParents(f, path, now);
        f.paths.put(path, node);
        return new Reply(201).header("ETag", node.etag)
                .header("Last-Modified", HTTP_DATE.format(node.lastModified))
                .header("x-ms-request-server-encrypted", "true");
    }

    private Reply append(Call call, byte[] body) {
        Node node = existingFile(call);
        long position = position(call);
        if (position < node.content.length) {
            throw new Failure(400, "InvalidFlushPosition");
        }
        String md5 = call.header("Content-MD5");
        if (md5 != null && !md5.equals(md5(body))) {
            throw new Failure(400, "Md5Mismatch");
        }
        if (body.length > 0) {
            node.pending.put(position, body);
        }
        Reply reply = new Reply(202).header("x-ms-request-server-encrypted", "true");
        if ("true".equals(call.param("flush"))) {
            commit(call, node, position + body.length);
            reply.header("ETag", node.etag).header("Last-Modified", HTTP_DATE.format(node.lastModified));
        }
        return reply;
    }

    private Reply flush(Call call) {
        Node node = existingFile(call);
        checkConditions(call, node, "", "ConditionNotMet", false);
        commit(call, node, position(call));
        String md5 = call.header("x-ms-content-md5");
        if (md5 != null) {
            node.contentMd5 = md5;
        }
        node.contentType = firstNonNull(call.header("x-ms-content-type"), node.contentType);
        node.contentEncoding = firstNonNull(call.header("x-ms-content-encoding"), node.contentEncoding);
        node.contentLanguage = firstNonNull(call.header("x-ms-content-language"), node.contentLanguage);
        node.contentDisposition = firstNonNull(call.header("x-ms-content-disposition"), node.contentDisposition);
        node.cacheControl = firstNonNull(call.header("x-ms-cache-control"), node.cacheControl);
        if (call.header("x-ms-properties") != null) {
            node.metadata.clear();
            node.metadata.putAll(metadata(call));
        }
        return new Reply(200).header("ETag", node.etag)
                .header("Last-Modified", HTTP_DATE.format(node.lastModified))
                .header("x-ms-request-server-encrypted", "true");
    }

    /** Commits the uncommitted pieces that run contiguously from the current length up to {@code position}. */
    private void commit(Call call, Node node, long position) {
        long cursor = node.content.length;
        if (position < cursor) {
            throw new Failure(400, "InvalidFlushPosition");
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(node.content);
        while (cursor < position) {
            byte[] piece = node.pending.get(cursor);
            if (piece == null || cursor + piece.length > position) {
                throw new Failure(400, "InvalidFlushPosition");
            }
            content.writeBytes(piece);
            cursor += piece.length;
        }
        boolean changed = position != node.content.length;
        node.content = content.toByteArray();
        if ("true".equals(call.param("retainUncommittedData"))) {
            node.pending.headMap(position).clear();
        } else {
            node.pending.clear();
        }
        if (changed) {
            node.contentMd5 = null; // a flush that changes the content sets the MD5 only if it sends one
        }
        node.touch(nextEtag(), Instant.now());
    }

    private Reply rename(Call call) {
        RenameSource source = renameSource(call);
        String sig = queryParameters(source.query).getOrDefault("sig", List.of()).stream().findFirst().orElse(null);
        if (sig != null && !sasSignatures.contains(sig)) {
            throw new Failure(403, "AuthenticationFailed")
                    .detail("The SAS signature in x-ms-rename-source is not an accepted one.");
        }
        FileSystem destinationFs = fileSystem(call);
        FileSystem sourceFs = fileSystems.get(source.fs);
        Node sourceNode = sourceFs == null ? null : sourceFs.paths.get(source.path);
        if (sourceNode == null) {
            throw new Failure(404, "SourcePathNotFound");
        }
        checkConditions(call, sourceNode, "x-ms-source-", "SourceConditionNotMet", false);
        String destination = call.path;
        Node destinationNode = destinationFs.paths.get(destination);
        if (destinationNode != null && "*".equals(call.header("If-None-Match"))) {
            throw new Failure(409, "PathAlreadyExists");
        }
        checkConditions(call, destinationNode, "", "ConditionNotMet", false);
        if (sourceFs == destinationFs && source.path.equals(destination)) {
            return renamed(sourceNode);
        }
        if (sourceNode.directory && sourceFs == destinationFs && destination.startsWith(source.path + "/")) {
            throw new Failure(409, "InvalidRenameSourcePath");
        }
        String parent = parent(destination);
        if (parent != null) {
            Node parentNode = destinationFs.paths.get(parent);
            if (parentNode == null) {
                throw new Failure(404, "RenameDestinationParentPathNotFound");
            }
            if (!parentNode.directory) {
                throw new Failure(409, "InvalidDestinationPath");
            }
        }
        if (destinationNode != null) {
            if (destinationNode.directory != sourceNode.directory) {
                throw new Failure(409, "InvalidSourceOrDestinationResourceType");
            }
            if (destinationNode.directory && !descendants(destinationFs, destination).isEmpty()) {
                throw new Failure(409, "DirectoryNotEmpty");
            }
        }
        Map<String, Node> moving = new LinkedHashMap<>();
        moving.put(source.path, sourceNode);
        if (sourceNode.directory) {
            moving.putAll(descendants(sourceFs, source.path));
        }
        moving.keySet().forEach(sourceFs.paths::remove);
        moving.forEach((path, node) -> destinationFs.paths.put(destination + path.substring(source.path.length()),
                node));
        return renamed(sourceNode);
    }

    private static Reply renamed(Node node) {
        return new Reply(201).header("ETag", node.etag).header("Last-Modified", HTTP_DATE.format(node.lastModified));
    }

    private Reply pathProperties(Call call) {
        Node node = readable(call);
        return properties(new Reply(200), node).header("Content-Length", Integer.toString(node.content.length));
    }

    private Reply read(Call call) {
        Node node = readable(call);
        byte[] content = node.content;
        String range = firstNonNull(call.header("x-ms-range"), call.header("Range"));
        Matcher matcher = range == null ? null : RANGE.matcher(range.trim());
        if (node.directory || matcher == null || !matcher.matches()) {
            Reply reply = properties(new Reply(200), node).body(content);
            if (node.contentMd5 != null) {
                reply.header("Content-MD5", node.contentMd5);
            }
            return reply;
        }
        long start = Long.parseLong(matcher.group(1));
        long end = matcher.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(matcher.group(2));
        if (end < start) {
            return properties(new Reply(200), node).body(content); // the service ignores a range it cannot parse
        }
        if (start >= content.length) {
            throw new Failure(416, "InvalidRange").header("Content-Range", "bytes */" + content.length);
        }
        int from = (int) start;
        int to = (int) Math.min(end, content.length - 1L);
        byte[] slice = Arrays.copyOfRange(content, from, to + 1);
        Reply reply = properties(new Reply(206), node).body(slice)
                .header("Content-Range", "bytes " + from + "-" + to + "/" + content.length);
        if (node.contentMd5 != null) {
            reply.header("x-ms-blob-content-md5", node.contentMd5);
        }
        if ("true".equals(call.header("x-ms-range-get-content-md5"))) {
            reply.header("Content-MD5", md5(slice));
        }
        return reply;
    }

    private Reply delete(Call call) {
        FileSystem f = fileSystem(call);
        Node node = f.paths.get(call.path);
        if (node == null) {
            throw new Failure(404, call.blob ? "BlobNotFound" : "PathNotFound");
        }
        checkConditions(call, node, "", "ConditionNotMet", false);
        if (node.directory) {
            Map<String, Node> children = descendants(f, call.path);
            if (!children.isEmpty() && !"true".equals(call.param("recursive"))) {
                throw new Failure(409, "DirectoryNotEmpty");
            }
            children.keySet().forEach(f.paths::remove);
        }
        f.paths.remove(call.path);
        return new Reply(200);
    }

    private Reply list(Call call) {
        FileSystem f = fileSystem(call);
        String directory = normalise(firstNonNull(call.param("directory"), ""));
        boolean recursive = "true".equals(call.param("recursive"));
        NavigableMap<String, Node> candidates;
        if (directory.isEmpty()) {
            candidates = f.paths;
        } else {
            Node node = f.paths.get(directory);
            if (node == null) {
                throw new Failure(404, "PathNotFound");
            }
            candidates = node.directory ? f.paths.subMap(directory + "/", true, directory + "0", false)
                    : f.paths.subMap(directory, true, directory, true);
        }
        String after = call.param("continuation") == null ? null
                : new String(Base64.getUrlDecoder().decode(call.param("continuation")), StandardCharsets.UTF_8);
        int max = 5000;
        if (call.param("maxResults") != null) {
            try {
                max = Math.max(1, Math.min(5000, Integer.parseInt(call.param("maxResults"))));
            } catch (NumberFormatException e) {
                throw new Failure(400, "InvalidQueryParameterValue");
            }
        }
        ArrayNode paths = JSON.createArrayNode();
        String last = null;
        boolean more = false;
        int prefixLength = directory.isEmpty() ? 0 : directory.length() + 1;
        for (Map.Entry<String, Node> entry : candidates.entrySet()) {
            String name = entry.getKey();
            if ((after != null && name.compareTo(after) <= 0)
                    || (!recursive && name.length() > prefixLength && name.indexOf('/', prefixLength) >= 0)) {
                continue;
            }
            if (paths.size() == max) {
                more = true;
                break;
            }
            Node node = entry.getValue();
            ObjectNode item = paths.addObject();
            item.put("contentLength", Integer.toString(node.content.length));
            item.put("creationTime", Long.toString(fileTime(node.created)));
            item.put("etag", unquote(node.etag));
            item.put("group", "$superuser");
            if (node.directory) {
                item.put("isDirectory", "true");
            }
            item.put("lastModified", HTTP_DATE.format(node.lastModified));
            item.put("name", name);
            item.put("owner", "$superuser");
            item.put("permissions", node.directory ? "rwxr-x---" : "rw-r-----");
            last = name;
        }
        ObjectNode result = JSON.createObjectNode();
        result.set("paths", paths);
        Reply reply = new Reply(200).json(result);
        if (more) {
            reply.header("x-ms-continuation",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        return reply;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers for operations (lock held)

    private FileSystem fileSystem(Call call) {
        FileSystem f = fileSystems.get(call.fs);
        if (f == null) {
            throw new Failure(404, call.blob ? "ContainerNotFound" : "FilesystemNotFound");
        }
        return f;
    }

    private Node existingFile(Call call) {
        Node node = fileSystem(call).paths.get(call.path);
        if (node == null) {
            throw new Failure(404, "PathNotFound");
        }
        if (node.directory) {
            throw new Failure(409, "PathConflict");
        }
        return node;
    }

    /** The node a HEAD or GET addresses, after its conditional headers. */
    private Node readable(Call call) {
        Node node = fileSystem(call).paths.get(call.path);
        if (node == null) {
            throw new Failure(404, call.blob ? "BlobNotFound" : "PathNotFound");
        }
        checkConditions(call, node, "", "ConditionNotMet", true);
        return node;
    }

    private static long position(Call call) {
        String position = call.param("position");
        if (position == null) {
            throw new Failure(400, "MissingRequiredQueryParameter");
        }
        try {
            long value = Long.parseLong(position);
            if (value < 0) {
                throw new Failure(400, "InvalidQueryParameterValue");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new Failure(400, "InvalidQueryParameterValue");
        }
    }

    /**
     * Checks {@code If-Match}, {@code If-None-Match}, {@code If-Modified-Since} and {@code If-Unmodified-Since} (with
     * a header prefix, {@code x-ms-source-} for a rename's source) against a node that may be missing.
     */
    private static void checkConditions(Call call, Node node, String prefix, String code, boolean read) {
        String ifMatch = call.header(prefix + "If-Match");
        String ifNoneMatch = call.header(prefix + "If-None-Match");
        Instant ifModifiedSince = date(call.header(prefix + "If-Modified-Since"));
        Instant ifUnmodifiedSince = date(call.header(prefix + "If-Unmodified-Since"));
        String etag = node == null ? null : unquote(node.etag);
        if (ifMatch != null && (node == null || !("*".equals(ifMatch.trim()) || etagListContains(ifMatch, etag)))) {
            throw new Failure(412, code);
        }
        if (ifUnmodifiedSince != null && node != null && modifiedAfter(node, ifUnmodifiedSince)) {
            throw new Failure(412, code);
        }
        boolean notModified = (ifNoneMatch != null && node != null
                && ("*".equals(ifNoneMatch.trim()) || etagListContains(ifNoneMatch, etag)))
                || (ifModifiedSince != null && node != null && !modifiedAfter(node, ifModifiedSince));
        if (notModified) {
            if (read) {
                throw new Failure(304, "ConditionNotMet");
            }
            throw new Failure(412, code);
        }
    }

    private static boolean etagListContains(String header, String etag) {
        for (String candidate : header.split(",")) {
            if (unquote(candidate.trim()).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean modifiedAfter(Node node, Instant since) {
        return node.lastModified.getEpochSecond() > since.getEpochSecond();
    }

    private static Instant date(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new Failure(400, "InvalidHeaderValue");
        }
    }

    /** User metadata from {@code x-ms-properties} (DFS: {@code name=base64(value),...}) and {@code x-ms-meta-*}. */
    private static Map<String, String> metadata(Call call) {
        Map<String, String> metadata = new LinkedHashMap<>();
        String properties = call.header("x-ms-properties");
        if (properties != null && !properties.isBlank()) {
            for (String property : properties.split(",")) {
                int equals = property.indexOf('=');
                if (equals <= 0) {
                    throw new Failure(400, "InvalidHeaderValue");
                }
                try {
                    metadata.put(property.substring(0, equals).trim(), new String(
                            Base64.getDecoder().decode(property.substring(equals + 1).trim()), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new Failure(400, "InvalidHeaderValue");
                }
            }
        }
        call.request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ms-meta-")) {
                metadata.put(lower.substring("x-ms-meta-".length()), String.join(",", values));
            }
        });
        return metadata;
    }

    /** Headers of Get Properties / Read that describe a path (Blob and DFS flavours together). */
    private static Reply properties(Reply reply, Node node) {
        reply.header("ETag", node.etag)
                .header("Last-Modified", HTTP_DATE.format(node.lastModified))
                .header("x-ms-creation-time", HTTP_DATE.format(node.created))
                .header("Content-Type", firstNonNull(node.contentType, DEFAULT_CONTENT_TYPE))
                .header("Accept-Ranges", "bytes")
                .header("x-ms-resource-type", node.directory ? "directory" : "file")
                .header("x-ms-blob-type", "BlockBlob")
                .header("x-ms-lease-state", "available")
                .header("x-ms-lease-status", "unlocked")
                .header("x-ms-server-encrypted", "true")
                .header("x-ms-access-tier", "Hot")
                .header("x-ms-access-tier-inferred", "true")
                .header("x-ms-owner", "$superuser")
                .header("x-ms-group", "$superuser")
                .header("x-ms-permissions", node.directory ? "rwxr-x---" : "rw-r-----");
        if (node.contentMd5 != null) {
            reply.header("Content-MD5", node.contentMd5);
        }
        if (node.contentEncoding != null) {
            reply.header("Content-Encoding", node.contentEncoding);
        }
        if (node.contentLanguage != null) {
            reply.header("Content-Language", node.contentLanguage);
        }
        if (node.contentDisposition != null) {
            reply.header("Content-Disposition", node.contentDisposition);
        }
        if (node.cacheControl != null) {
            reply.header("Cache-Control", node.cacheControl);
        }
        if (!node.metadata.isEmpty()) {
            StringBuilder properties = new StringBuilder();
            node.metadata.forEach((name, value) -> {
                properties.append(properties.length() == 0 ? "" : ",").append(name).append('=')
                        .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                reply.header("x-ms-meta-" + name, value);
            });
            reply.header("x-ms-properties", properties.toString());
        }
        if (node.directory) {
            reply.header("x-ms-meta-hdi_isfolder", "true");
        }
        return reply;
    }

    private void createParents(FileSystem f, String path, Instant now) {
        for (String ancestor : ancestors(path)) {
            if (!f.paths.containsKey(ancestor)) {
                f.paths.put(ancestor, new Node(true, nextEtag(), now));
            }
        }
    }

    private static Map<String, Node> descendants(FileSystem f, String directory) {
        return new LinkedHashMap<>(f.paths.subMap(directory + "/", true, directory + "0", false));
    }

    private RenameSource renameSource(Call call) {
        String header = call.header("x-ms-rename-source").trim();
        int question = header.indexOf('?');
        String encodedPath = question < 0 ? header : header.substring(0, question);
        String query = question < 0 ? "" : header.substring(question + 1);
        String decoded = percentDecode(encodedPath);
        if (!decoded.startsWith("/")) {
            throw new Failure(400, "InvalidSourceUri");
        }
        int slash = decoded.indexOf('/', 1);
        String path = slash < 0 ? "" : normalise(decoded.substring(slash + 1));
        if (slash < 0 || path.isEmpty()) {
            throw new Failure(400, "InvalidSourceUri");
        }
        return new RenameSource(decoded.substring(1, slash), path, query);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Microsoft Entra ID: token endpoint and discovery document

    /** Answers a request to an Entra ID endpoint; null when the request is not one (a storage request). */
    private MiniHttpServer.Response identity(MiniHttpServer.Request request) {
        String path = request.rawPath();
        Matcher token = TOKEN_PATH.matcher(path);
        Matcher discovery = DISCOVERY_PATH.matcher(path);
        boolean isToken = token.matches();
        if (!isToken && !discovery.matches()) {
            return null;
        }
        String tenant = percentDecode(isToken ? token.group(1) : discovery.group(1));
        if (tenant.equals(account)) {
            return null;
        }
        MiniHttpServer.Response response;
        String logged;
        if (isToken) {
            Map<String, String> form = form(request);
            TreeMap<String, String> shown = new TreeMap<>(form);
            shown.computeIfPresent("client_secret", (name, value) -> "***");
            StringBuilder fields = new StringBuilder();
            shown.forEach((name, value) -> fields.append(fields.length() == 0 ? "" : "&").append(name).append('=')
                    .append(value));
            logged = request.method() + " " + path + " " + fields;
            response = request.method().equals("POST") ? issueToken(request, tenant, form)
                    : aadError(request, 405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
        } else {
            logged = request.method() + " " + path;
            response = request.method().equals("GET") || request.method().equals("HEAD")
                    ? discoveryDocument(request, tenant)
                    : aadError(request, 405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
        }
        identityRequests.add(logged + " -> " + response.status());
        if (TRACE) {
            System.err.println(">> " + logged + "\n<< " + response.status() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response;
    }

    private MiniHttpServer.Response issueToken(MiniHttpServer.Request request, String tenant,
                                               Map<String, String> form) {
        Map<String, String> secrets = principals.get(tenant);
        if (secrets == null) {
            return aadError(request, 400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make "
                    + "sure you have the correct tenant ID and are signing into the correct cloud. Check with your "
                    + "subscription administrator, this may happen if there are no active subscriptions for the "
                    + "tenant.");
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return aadError(request, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant "
                    + "type '" + form.get("grant_type") + "'.");
        }
        String clientId = form.get("client_id");
        if (clientId == null || !secrets.containsKey(clientId)) {
            return aadError(request, 400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + tenant + "'. This can happen if the application has not "
                    + "been installed by the administrator of the tenant or consented to by any user in the tenant. "
                    + "You may have sent your authentication request to the wrong tenant.");
        }
        String secret = form.get("client_secret");
        if (secret == null) {
            return aadError(request, 400, "invalid_request", 7000216, "'client_assertion', 'client_secret' or "
                    + "'request' is required for the 'client_credentials' grant type.");
        }
        if (!MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                secrets.get(clientId).getBytes(StandardCharsets.UTF_8))) {
            return aadError(request, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the "
                    + "secret being sent in the request is the client secret value, not the client secret ID, for a "
                    + "secret added to app '" + clientId + "'.");
        }
        String scope = form.getOrDefault("scope", "");
        String resource = Arrays.stream(scope.split(" ")).filter(s -> s.endsWith("/.default")).findFirst()
                .map(s -> s.substring(0, s.length() - "/.default".length())).orElse(null);
        if (resource == null) {
            return aadError(request, 400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is "
                    + "not valid. Client credential flows must have a scope value with /.default suffixed to the "
                    + "resource identifier (application ID URI).");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String accessToken = "eyJ0eXAiOiJKV1QifQ." + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        tokens.put(accessToken, new Issued(tenant, clientId, resource, Instant.now().plus(TOKEN_LIFETIME)));
        ObjectNode body = JSON.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("expires_in", TOKEN_LIFETIME.toSeconds());
        body.put("ext_expires_in", TOKEN_LIFETIME.toSeconds());
        body.put("access_token", accessToken);
        return aadJson(request, 200, body);
    }

    private MiniHttpServer.Response discoveryDocument(MiniHttpServer.Request request, String tenant) {
        if (!principals.containsKey(tenant)) {
            return aadError(request, 400, "invalid_tenant", 90002, "Tenant '" + tenant + "' not found. Check to make "
                    + "sure you have the correct tenant ID and are signing into the correct cloud.");
        }
        String base = authorityHost() + "/" + tenant;
        ObjectNode doc = JSON.createObjectNode();
        doc.put("token_endpoint", base + "/oauth2/v2.0/token");
        doc.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("private_key_jwt")
                .add("client_secret_basic");
        doc.put("jwks_uri", base + "/discovery/v2.0/keys");
        doc.putArray("response_modes_supported").add("query").add("fragment").add("form_post");
        doc.putArray("subject_types_supported").add("pairwise");
        doc.putArray("id_token_signing_alg_values_supported").add("RS256");
        doc.putArray("response_types_supported").add("code").add("id_token").add("code id_token")
                .add("id_token token");
        doc.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access");
        doc.put("issuer", base + "/v2.0");
        doc.put("request_uri_parameter_supported", false);
        doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        doc.put("device_authorization_endpoint", base + "/oauth2/v2.0/devicecode");
        doc.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
        doc.put("tenant_region_scope", "EU");
        return aadJson(request, 200, doc);
    }

    /** An Entra ID error as the real service words it. */
    private static MiniHttpServer.Response aadError(MiniHttpServer.Request request, int status, String error, int code,
                                                    String description) {
        String trace = UUID.randomUUID().toString();
        String correlation = firstNonNull(request.header("client-request-id"), UUID.randomUUID().toString());
        String timestamp = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + description + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + timestamp);
        body.putArray("error_codes").add(code);
        body.put("timestamp", timestamp);
        body.put("trace_id", trace);
        body.put("correlation_id", correlation);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return aadJson(request, status, body);
    }

    private static MiniHttpServer.Response aadJson(MiniHttpServer.Request request, int status, ObjectNode body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Content-Type", "application/json; charset=utf-8"));
        headers.add(Map.entry("Cache-Control", "no-store, no-cache"));
        headers.add(Map.entry("Pragma", "no-cache"));
        headers.add(Map.entry("x-ms-request-id", UUID.randomUUID().toString()));
        String clientRequestId = request.header("client-request-id");
        if (clientRequestId != null) {
            headers.add(Map.entry("client-request-id", clientRequestId));
        }
        headers.add(Map.entry("Date", HTTP_DATE.format(Instant.now())));
        try {
            return new MiniHttpServer.Response(status, headers, JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An {@code application/x-www-form-urlencoded} body, decoded; the first value of each field. */
    private static Map<String, String> form(MiniHttpServer.Request request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(request.body(), StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // TLS

    /**
     * A TLS context that trusts exactly the certificate of the HTTPS servers (for a client the test builds itself,
     * e.g. {@code java.net.http.HttpClient.newBuilder().sslContext(...)}).
     *
     * @return a client TLS context
     */
    public static SSLContext clientSslContext() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("dfs-server", tls().certificate);
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A trust store with what the JVM trusts by default (at the first call) and the HTTPS servers' certificate.
     *
     * @return the store, made once per JVM
     */
    public static synchronized TrustStore trustStoreWithJvmDefaults() {
        Tls t = tls();
        if (t.withDefaults == null) {
            try {
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int n = 0;
                for (TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509TrustManager x509) {
                        for (X509Certificate issuer : x509.getAcceptedIssuers()) {
                            store.setCertificateEntry("jvm-default-" + n++, issuer);
                        }
                    }
                }
                store.setCertificateEntry("dfs-server", t.certificate);
                Path file = t.dir.resolve("trust-with-jvm-defaults.p12");
                file.toFile().deleteOnExit();
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, Tls.PASSWORD.toCharArray());
                }
                t.withDefaults = new TrustStore(file, Tls.PASSWORD, "PKCS12");
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return t.withDefaults;
    }

    /**
     * Points the JVM's default trust ({@code javax.net.ssl.trustStore}, {@code trustStorePassword},
     * {@code trustStoreType}) at {@link #trustStoreWithJvmDefaults()}, for code that builds its HTTPS clients from
     * the defaults, as azure-core's Netty client (and MSAL through it) does. Closing the handle restores the
     * properties as they were.
     *
     * <p>Caveat: reactor-netty makes its default client TLS context once per JVM, at its first {@code https}
     * connection, from the trust configured then, and keeps it. So this must come before anything in the JVM opens
     * an {@code https} connection through azure-core. Because the store also holds what the JVM trusted before,
     * a context made while it is set trusts everything the JVM did, so other code in the JVM is not affected.
     *
     * @return a handle whose {@code close()} restores the properties
     */
    public static JvmTrust trustInThisJvm() {
        TrustStore store = trustStoreWithJvmDefaults();
        Map<String, String> before = new LinkedHashMap<>();
        for (String name : JvmTrust.PROPERTIES) {
            before.put(name, System.getProperty(name));
        }
        System.setProperty("javax.net.ssl.trustStore", store.path().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", store.password());
        System.setProperty("javax.net.ssl.trustStoreType", store.type());
        return new JvmTrust(before);
    }

    /** Restores the JVM's trust store properties; see {@link #trustInThisJvm()}. */
    public static final class JvmTrust implements AutoCloseable {
        static final List<String> PROPERTIES = List.of("javax.net.ssl.trustStore",
                "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType");
        private final Map<String, String> before;

        private JvmTrust(Map<String, String> before) {
            this.before = before;
        }

        @Override
        public void close() {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /** The servers' key pair and self-signed certificate, made once per JVM with keytool. */
    private static synchronized Tls tls() {
        if (tls == null) {
            tls = Tls.make();
        }
        return tls;
    }

    private static final class Tls {
        static final String PASSWORD = "dfs-server-test";
        final Path dir;
        final X509Certificate certificate;
        final SSLContext serverContext;
        TrustStore withDefaults;

        private Tls(Path dir, X509Certificate certificate, SSLContext serverContext) {
            this.dir = dir;
            this.certificate = certificate;
            this.serverContext = serverContext;
        }

        static Tls make() {
            try {
                Path dir = Files.createTempDirectory("dfs-server-tls");
                dir.toFile().deleteOnExit();
                Path keyStore = dir.resolve("server.p12");
                keyStore.toFile().deleteOnExit();
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
                        .toString(), "-genkeypair", "-alias", "dfs-server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=127.0.0.1", "-validity", "7", "-ext", "san=ip:127.0.0.1,dns:localhost",
                        "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                        "-keypass", PASSWORD).redirectErrorStream(true).start();
                String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                    throw new IllegalStateException("keytool failed: " + output);
                }
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keyStore)) {
                    store.load(in, PASSWORD.toCharArray());
                }
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, PASSWORD.toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return new Tls(dir, (X509Certificate) store.getCertificate("dfs-server"), context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make the test certificate", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Authentication

    private void authenticate(Call call) {
        String authorization = call.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Issued issued = tokens.get(authorization.substring(7).trim());
            String problem = issued == null ? "Signature validation failed. Signature is invalid."
                    : Instant.now().isAfter(issued.expires) ? "Lifetime validation failed. The token is expired."
                    : !STORAGE_RESOURCE.equals(issued.audience) ? "Audience validation failed. Audience did not match."
                    : accountTenant != null && !accountTenant.equals(issued.tenant)
                    ? "Issuer validation failed. Issuer did not match."
                    : null;
            if (problem != null) {
                throw new Failure(401, "InvalidAuthenticationInfo").header("WWW-Authenticate", challenge())
                        .detail(problem);
            }
            return;
        }
        if (authorization != null) {
            if (!authorization.startsWith("SharedKey ")) {
                throw new Failure(403, "AuthenticationFailed",
                        MESSAGES.get("AuthenticationFailed") + " (DfsServer only checks SharedKey, SAS and Bearer)");
            }
            String credential = authorization.substring("SharedKey ".length()).trim();
            int colon = credential.lastIndexOf(':');
            if (colon < 0 || !credential.substring(0, colon).equals(account)) {
                throw new Failure(403, "AuthenticationFailed").detail("The account in the Authorization header is not "
                        + account + ".");
            }
            String signature = credential.substring(colon + 1);
            String stringToSign = stringToSign(call);
            String expected = hmacSha256(stringToSign);
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    signature.getBytes(StandardCharsets.UTF_8))) {
                throw new Failure(403, "AuthenticationFailed").detail("The MAC signature found in the HTTP request '"
                        + signature + "' is not the same as any computed signature. Server used following string to "
                        + "sign: '" + stringToSign + "'.");
            }
            return;
        }
        String sig = call.param("sig");
        if (sig != null) {
            if (sasSignatures.contains(sig)) {
                return;
            }
            throw new Failure(403, "AuthenticationFailed").detail("Signature did not match.");
        }
        throw new Failure(401, "NoAuthenticationInformation").header("WWW-Authenticate", challenge());
    }

    /** The service's bearer challenge, naming the account's tenant. */
    private String challenge() {
        String tenant = accountTenant;
        return "Bearer authorization_uri=https://login.microsoftonline.com/" + (tenant == null ? "common" : tenant)
                + "/oauth2/authorize resource_id=" + STORAGE_RESOURCE;
    }

    /**
     * The SharedKey string-to-sign of the Blob, Queue and File services (also used by the DFS endpoint), built from the
     * request as received.
     */
    private String stringToSign(Call call) {
        Map<String, List<String>> headers = call.request.headers();
        String contentLength = standardHeader(headers, "Content-Length");
        StringBuilder s = new StringBuilder();
        s.append(call.method).append('\n')
                .append(standardHeader(headers, "Content-Encoding")).append('\n')
                .append(standardHeader(headers, "Content-Language")).append('\n')
                .append("0".equals(contentLength) ? "" : contentLength).append('\n')
                .append(standardHeader(headers, "Content-MD5")).append('\n')
                .append(standardHeader(headers, "Content-Type")).append('\n')
                .append(headers.containsKey("x-ms-date") ? "" : standardHeader(headers, "Date")).append('\n')
                .append(standardHeader(headers, "If-Modified-Since")).append('\n')
                .append(standardHeader(headers, "If-Match")).append('\n')
                .append(standardHeader(headers, "If-None-Match")).append('\n')
                .append(standardHeader(headers, "If-Unmodified-Since")).append('\n')
                .append(standardHeader(headers, "Range")).append('\n');
        // Canonicalised headers: x-ms-*, lower-case names, sorted the way the service sorts them (culture-aware,
        // en-US, as .NET does; see azure-sdk-for-java#9244), "name:value" each on its own line.
        Collator collator = Collator.getInstance(Locale.US);
        TreeMap<String, String> msHeaders = new TreeMap<>(collator);
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ms-")) {
                List<String> trimmed = new ArrayList<>();
                values.forEach(value -> trimmed.add(value.trim()));
                msHeaders.put(lower, String.join(",", trimmed));
            }
        });
        msHeaders.forEach((name, value) -> s.append(name).append(':').append(value).append('\n'));
        // Canonicalised resource: /account/raw-path, then "name:v1,v2" per query parameter (names lower-case and
        // sorted, values decoded and sorted). With a path-style URL the account appears twice.
        s.append('/').append(account).append(call.rawPath.isEmpty() ? "/" : call.rawPath);
        TreeMap<String, List<String>> parameters = new TreeMap<>(collator);
        if (call.rawQuery != null && !call.rawQuery.isEmpty()) {
            for (String pair : call.rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = percentDecode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
                List<String> values = parameters.computeIfAbsent(name, n -> new ArrayList<>());
                for (String value : (equals < 0 ? "" : pair.substring(equals + 1)).split(",", -1)) {
                    values.add(percentDecode(value));
                }
            }
        }
        parameters.forEach((name, values) -> {
            values.sort(collator);
            s.append('\n').append(name).append(':').append(String.join(",", values));
        });
        return s.toString();
    }

    private static String standardHeader(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? "" : String.join(",", values);
    }

    private String hmacSha256(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Responses

    private static Reply errorReply(Call call, Failure failure) {
        Reply reply = new Reply(failure.status);
        failure.headers.forEach(reply::header);
        if (failure.status == 304) {
            return reply;
        }
        reply.header("x-ms-error-code", failure.code);
        String requestId = call == null ? UUID.randomUUID().toString() : call.requestId;
        String message = failure.message + "\nRequestId:" + requestId + "\nTime:" + Instant.now();
        boolean xml = call == null || call.blob;
        if (xml) {
            StringBuilder body = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>")
                    .append(xmlEscape(failure.code)).append("</Code><Message>").append(xmlEscape(message))
                    .append("</Message>");
            if (failure.detail != null) {
                body.append("<AuthenticationErrorDetail>").append(xmlEscape(failure.detail))
                        .append("</AuthenticationErrorDetail>");
            }
            body.append("</Error>");
            reply.header("Content-Type", "application/xml").body(body.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            ObjectNode error = JSON.createObjectNode();
            ObjectNode inner = error.putObject("error");
            inner.put("code", failure.code);
            inner.put("message", failure.detail == null ? message : message + "\n" + failure.detail);
            reply.json(error);
        }
        return reply;
    }

    private static MiniHttpServer.Response response(MiniHttpServer.Request request, Call call, Reply reply) {
        Map<String, String> headers = new LinkedHashMap<>(reply.headers);
        headers.put("Server", "Windows-Azure-HDFS/1.0 Microsoft-HTTPAPI/2.0");
        headers.put("Date", HTTP_DATE.format(Instant.now()));
        if (call != null) {
            headers.put("x-ms-request-id", call.requestId);
            headers.put("x-ms-version", firstNonNull(call.header("x-ms-version"), "2025-11-05"));
            String clientRequestId = call.header("x-ms-client-request-id");
            if (clientRequestId != null) {
                headers.put("x-ms-client-request-id", clientRequestId);
            }
        }
        if ("HEAD".equals(request.method())) {
            // A HEAD answer has no body; an error has no length to announce either.
            headers.putIfAbsent("Content-Length", "0");
            return new MiniHttpServer.Response(reply.status, List.copyOf(headers.entrySet()), new byte[0]);
        }
        return new MiniHttpServer.Response(reply.status, List.copyOf(headers.entrySet()), reply.body);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Small utilities

    private String nextEtag() {
        return "\"0x8" + Long.toHexString(etags.incrementAndGet()).toUpperCase(Locale.ROOT) + "\"";
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    private static long fileTime(Instant instant) {
        return (instant.toEpochMilli() + FILETIME_EPOCH_OFFSET_MS) * 10_000L;
    }

    private static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalise(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The parent directories of a path, outermost first ({@code a/b/c} gives {@code a}, {@code a/b}). */
    private static List<String> ancestors(String path) {
        List<String> ancestors = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            ancestors.add(path.substring(0, slash));
        }
        return ancestors;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }

    private static String xmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Decodes {@code %XX} escapes as UTF-8, leaving {@code +} as it is (URI rules, as the service and the SDK do). */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Query parameters, names and values decoded, in order. */
    private static Map<String, List<String>> queryParameters(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = percentDecode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : percentDecode(pair.substring(equals + 1));
            parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return parameters;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Types

    /** One request, parsed. */
    private final class Call {
        final MiniHttpServer.Request request;
        final String method;
        final String rawPath;
        final String rawQuery;
        /** The decoded path after the account: file system, then path within it. */
        final String fs;
        final String path;
        final Map<String, List<String>> query;
        /** Blob API request (XML errors, Blob error codes) rather than DFS. */
        final boolean blob;
        final String requestId = UUID.randomUUID().toString();

        Call(MiniHttpServer.Request request) {
            this.request = request;
            this.method = request.method();
            this.rawPath = request.rawPath();
            this.rawQuery = request.rawQuery();
            this.query = queryParameters(rawQuery);
            String decoded = percentDecode(rawPath);
            String prefix = "/" + account;
            if (!(decoded.equals(prefix) || decoded.startsWith(prefix + "/"))) {
                throw new Failure(400, "InvalidUri", MESSAGES.get("InvalidUri") + " (expected a path-style URL: /"
                        + account + "/<filesystem>/<path>)");
            }
            String rest = decoded.substring(prefix.length());
            rest = rest.startsWith("/") ? rest.substring(1) : rest;
            int slash = rest.indexOf('/');
            this.fs = slash < 0 ? rest : rest.substring(0, slash);
            this.path = slash < 0 ? "" : normalise(rest.substring(slash + 1));
            String accept = request.header("Accept");
            this.blob = query.containsKey("restype") || (accept != null && accept.toLowerCase(Locale.ROOT)
                    .contains("xml"));
        }

        String header(String name) {
            return request.header(name);
        }

        String param(String name) {
            List<String> values = query.get(name);
            if (values == null) {
                for (Map.Entry<String, List<String>> entry : query.entrySet()) {
                    if (entry.getKey().equalsIgnoreCase(name)) {
                        values = entry.getValue();
                        break;
                    }
                }
            }
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String pathAndQuery() {
            String decodedPath = percentDecode(rawPath);
            return rawQuery == null ? decodedPath : decodedPath + "?" + rawQuery;
        }
    }

    /** An answer being built. */
    private static final class Reply {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        byte[] body = new byte[0];

        Reply(int status) {
            this.status = status;
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Reply body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        Reply json(Object value) {
            try {
                this.body = JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return header("Content-Type", "application/json;charset=utf-8");
        }
    }

    /** An error answer, thrown from anywhere in request handling. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;
        final String message;
        final Map<String, String> headers = new LinkedHashMap<>();
        String detail;

        Failure(int status, String code) {
            this(status, code, MESSAGES.getOrDefault(code, code));
        }

        Failure(int status, String code, String message) {
            super(code + ": " + message, null, false, false);
            this.status = status;
            this.code = code;
            this.message = message;
        }

        Failure header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Failure detail(String text) {
            this.detail = text;
            return this;
        }
    }

    private static final class FileSystem {
        final TreeMap<String, Node> paths = new TreeMap<>();
        final String etag;
        final Instant lastModified;
        final Map<String, String> metadata;

        FileSystem(String etag, Instant lastModified, Map<String, String> metadata) {
            this.etag = etag;
            this.lastModified = lastModified;
            this.metadata = new LinkedHashMap<>(metadata);
        }
    }

    private static final class Node {
        final boolean directory;
        final Instant created;
        String etag;
        Instant lastModified;
        byte[] content = new byte[0];
        /** Appended, not yet flushed data by file position. */
        final TreeMap<Long, byte[]> pending = new TreeMap<>();
        String contentMd5;
        String contentType;
        String contentEncoding;
        String contentLanguage;
        String contentDisposition;
        String cacheControl;
        final Map<String, String> metadata = new LinkedHashMap<>();

        Node(boolean directory, String etag, Instant now) {
            this.directory = directory;
            this.created = now;
            this.etag = etag;
            this.lastModified = now;
            this.contentType = DEFAULT_CONTENT_TYPE;
        }

        void touch(String newEtag, Instant now) {
            this.etag = newEtag;
            this.lastModified = now;
        }
    }

    private record RenameSource(String fs, String path, String query) {
    }

    private record Fault(Op op, Predicate<String> when, AtomicInteger remaining, int status, String code) {
    }

    private record Delay(Op op, AtomicInteger remaining, Duration delay) {
    }

    private record Deny(String fs, String prefix) {
    }

    /** A token the token endpoint issued. */
    private record Issued(String tenant, String clientId, String audience, Instant expires) {
    }
}
