package io.flowexport.destination.lake;

import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;

/**
 * A file in Azure Data Lake Storage Gen2 ({@code type = "adls"}) or Microsoft OneLake
 * ({@code type = "onelake"}, which speaks the same DFS API), uploaded under a temporary name beside the target
 * and renamed into place.
 *
 * @param type          {@value #ADLS} or {@value #ONELAKE}
 * @param account       the storage account ({@code onelake} for OneLake)
 * @param fileSystem    the file system (container); for OneLake the workspace (name or id)
 * @param item          OneLake only: the item, e.g. {@code Sales.Lakehouse}; null for ADLS
 * @param path          the file's path in the file system (ADLS) or under the item's {@code Files/}
 *                      (OneLake), with placeholders; no leading {@code /}
 * @param endpoint      the DFS service URL without a file system, e.g. {@code https://acct.dfs.core.windows.net}
 *                      or a private endpoint or test server; null for the public endpoint
 * @param auth          how to authenticate; {@link AzureAuth.DefaultChain} when not set
 * @param overwrite     whether an existing target may be replaced; null means the default (true for
 *                      {@code full} exports, false otherwise)
 * @param manifest      whether a manifest JSON file is written after the data file
 * @param manifestPath  the manifest's path (placeholders allowed), or null for the default
 *                      ({@code <target dir>/_manifests/<file name>.json})
 * @param blockSize     bytes per append request of a chunked upload; also the largest file sent in one append
 * @param maxConcurrency appends in flight at once for one file
 * @param retry         the SDK's retry policy
 */
public record LakeSpec(String name, String ref, String type, String account, String fileSystem, String item,
                       String path, String endpoint, AzureAuth auth, Boolean overwrite, boolean manifest,
                       String manifestPath, long blockSize, int maxConcurrency, AzureRetry retry)
        implements DestinationSpec {

    /** The type name of Azure Data Lake Storage Gen2. */
    public static final String ADLS = "adls";
    /** The type name of Microsoft OneLake. */
    public static final String ONELAKE = "onelake";

    /** The public OneLake DFS endpoint. */
    public static final String ONELAKE_ENDPOINT = "https://onelake.dfs.fabric.microsoft.com";

    /** The DFS service URL requests go to: {@link #endpoint()} or the public one for the account. */
    public String serviceEndpoint() {
        if (endpoint != null) {
            return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        }
        return isOneLake() ? ONELAKE_ENDPOINT : "https://" + account + ".dfs.core.windows.net";
    }

    /**
     * Where a file of this destination is, as people write it: {@code abfss://<fs>@<host>/<path>} for an https
     * endpoint without a path, else {@code <endpoint>/<fs>/<path>}.
     *
     * @param objectPath the file's path in the file system, placeholders rendered
     */
    public String location(String objectPath) {
        String e = serviceEndpoint();
        return e.startsWith("https://") && e.indexOf('/', 8) < 0
                ? "abfss://" + fileSystem + "@" + e.substring(8) + "/" + objectPath
                : e + "/" + fileSystem + "/" + objectPath;
    }

    /** The file's path template within the file system: {@code path}, or {@code <item>/Files/<path>}. */
    public String objectPath() {
        return item == null ? path : item + "/Files/" + path;
    }

    /** The manifest's path template within the file system, or null when no manifest is written. */
    public String manifestObjectPath() {
        if (!manifest) {
            return null;
        }
        if (manifestPath != null) {
            return item == null ? manifestPath : item + "/Files/" + manifestPath;
        }
        String p = objectPath();
        int slash = p.lastIndexOf('/');
        return (slash < 0 ? "" : p.substring(0, slash + 1)) + "_manifests/" + p.substring(slash + 1) + ".json";
    }

    /** True for OneLake, false for ADLS. */
    public boolean isOneLake() {
        return ONELAKE.equals(type);
    }

    @Override
    public String template() {
        return objectPath();
    }

    /** Whether an existing target is replaced, for a flow of the given export mode. */
    public boolean overwrites(ExportMode mode) {
        return overwrite != null ? overwrite : mode == ExportMode.FULL;
    }
}
