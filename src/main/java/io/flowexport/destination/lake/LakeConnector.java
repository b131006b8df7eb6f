package io.flowexport.destination.lake;

import com.azure.core.util.Context;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.PathHttpHeaders;
import com.azure.storage.file.datalake.models.PathProperties;
import com.azure.storage.common.ParallelTransferOptions;
import io.flowexport.destination.spi.Connector;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.Secrets;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.azure.storage.datalake.DataLakeConstants;
import org.apache.camel.component.azure.storage.datalake.DataLakeOperationsDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code adls} and {@code onelake} connector (one instance serves both types over shared clients).
 *
 * <p>A delivery: the staged file's MD5 and SHA-256 are computed; if the target already holds the same bytes (an
 * earlier attempt delivered them) nothing is sent again. Otherwise the file is uploaded with Camel's
 * {@code azure-storage-datalake} component ({@code uploadFromFile}: create, appends of {@code block_size} bytes,
 * {@code max_concurrency} at a time, read from the staged file, then flush with the Content-MD5) to
 * {@code <target dir>/_tmp/<flow id>/<run id>-<destination>-<file name>}, and renamed to the target with the SDK
 * (the component has no rename), refusing to replace an existing target unless the destination overwrites. A
 * rename that fails or times out after in fact succeeding is recognised by the target's size and checksum. The
 * temporary file is deleted on failure; after a success {@code _tmp/<flow id>/} (leftovers of crashed runs
 * included) and, when empty, {@code _tmp/} are removed. The manifest, when asked for, is written last the same way.
 */
public final class LakeConnector implements Connector<LakeSpec> {

    private static final Logger LOG = LoggerFactory.getLogger(LakeConnector.class);
    static final String TMP = "_tmp";

    private final LakeClients clients;
    private final Supplier<ProducerTemplate> producer;

    /**
     * The connector of both lake types; the clients are made on first use and shared.
     *
     * @param context the runner's Camel context (started), asked for on first use
     * @param secrets resolves secret references
     */
    public LakeConnector(Supplier<CamelContext> context, Secrets secrets) {
        this.clients = new LakeClients(context, secrets);
        this.producer = new Supplier<>() {
            private ProducerTemplate template;

            @Override
            public synchronized ProducerTemplate get() {
                if (template == null) {
                    template = context.get().createProducerTemplate();
                }
                return template;
            }
        };
    }

    @Override
    public Delivered deliver(Shipment s, LakeSpec d, int startChunk) {
        String target = new PathTemplate(d.objectPath()).render(s.values());
        String shown = d.location(target);
        String temp = null;
        DataLakeFileSystemClient fs = null;
        long started = System.nanoTime();
        try {
            LakeClients.Entry client = clients.client(d); // secrets resolved once per delivery
            fs = client.fileSystem(d);
            Checksums sums = Checksums.of(s.file());
            boolean overwrite = d.overwrites(s.mode());
            String detail;
            PathProperties existing = properties(fs, target);
            if (existing != null && sums.sameAs(existing)) {
                detail = "the target already holds these " + sums.size() + " bytes (an earlier attempt delivered "
                        + "them); not sent again";
            } else if (existing != null && !overwrite) {
                return failed(d, shown, "the target exists (" + existing.getFileSize() + " bytes, other content) "
                        + "and overwrite = false: nothing was written; put {batch_id} or {run_id} in the path, "
                        + "remove the old file, or set overwrite = true");
            } else {
                temp = tempPath(target, s.flowId(), s.runId() + "-" + d.name());
                upload(client.endpointUri(d), d, s.file(), temp, sums, metadata(s, sums), s.format());
                if (s.aborted().getAsBoolean()) {
                    deleteQuietly(fs, temp, d);
                    return failed(d, shown, "the run was stopped after the upload and before the rename; nothing "
                            + "was published");
                }
                String how = rename(fs, temp, target, overwrite, sums);
                temp = null;
                detail = "uploaded " + sums.size() + " bytes in " + seconds(started) + " s, " + how;
            }
            cleanTmp(fs, target, s.flowId());
            String manifest = d.manifestObjectPath();
            if (manifest != null) {
                String m = new PathTemplate(manifest).render(s.values());
                byte[] json = Manifest.json(s, target, shown, sums);
                String mTemp = tempPath(m, s.flowId(), s.runId() + "-" + d.name() + "-manifest");
                try {
                    put(client.endpointUri(d), d, json, mTemp);
                    fs.getFileClient(mTemp).renameWithResponse(null, m, null, null, null, Context.NONE);
                } catch (RuntimeException e) {
                    deleteQuietly(fs, mTemp, d);
                    throw new ManifestException(m, e);
                }
                cleanTmp(fs, m, s.flowId());
                detail += "; manifest " + m;
            }
            return new Delivered(d.name(), d.type(), shown, true, 1, null, detail, null);
        } catch (ManifestException e) {
            return failed(d, shown, "the data file is in place, but the manifest " + e.path + " could not be "
                    + "written: " + LakeErrors.explain(e.getCause(), d, e.path));
        } catch (RuntimeException e) {
            if (temp != null && fs != null) {
                deleteQuietly(fs, temp, d);
            }
            return failed(d, shown, LakeErrors.explain(e, d, target));
        }
    }

    @Override
    public String check(LakeSpec d, Map<String, String> values) {
        String target = new PathTemplate(d.objectPath()).render(values);
        String probe = tempPath(target, "check", UUID.randomUUID().toString()) + ".probe";
        try {
            DataLakeFileSystemClient fs = clients.fileSystem(d);
            // the folders the probe creates (deepest first), to remove them again: never one that was there
            java.util.List<String> created = new java.util.ArrayList<>();
            for (String dir = parent(probe); !dir.isEmpty() && !fs.getDirectoryClient(dir).exists(); dir = parent(dir)) {
                created.add(dir);
            }
            fs.getFileClient(probe).create(true);
            fs.getFileClient(probe).delete();
            created.forEach(dir -> deleteEmptyDirectory(fs, dir));
            return null;
        } catch (RuntimeException e) {
            return LakeErrors.explain(e, d, target);
        }
    }

    private void upload(String uri, LakeSpec d, Path file, String remote, Checksums sums,
                        Map<String, String> metadata, FileFormat format) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(DataLakeConstants.DATALAKE_OPERATION, DataLakeOperationsDefinition.uploadFromFile);
        headers.put(DataLakeConstants.FILESYSTEM_NAME, d.fileSystem());
        headers.put(DataLakeConstants.FILE_NAME, remote);
        headers.put(DataLakeConstants.PATH, file.toString());
        headers.put(DataLakeConstants.METADATA, metadata);
        headers.put(DataLakeConstants.PATH_HTTP_HEADERS, new PathHttpHeaders().setContentType(contentType(format))
                .setContentMd5(sums.md5()));
        headers.put(DataLakeConstants.PARALLEL_TRANSFER_OPTIONS, new ParallelTransferOptions()
                .setBlockSizeLong(d.blockSize()).setMaxSingleUploadSizeLong(d.blockSize())
                .setMaxConcurrency(d.maxConcurrency()));
        producer.get().requestBodyAndHeaders(uri, null, headers);
    }

    private void put(String uri, LakeSpec d, byte[] content, String remote) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(DataLakeConstants.DATALAKE_OPERATION, DataLakeOperationsDefinition.upload);
        headers.put(DataLakeConstants.FILESYSTEM_NAME, d.fileSystem());
        headers.put(DataLakeConstants.FILE_NAME, remote);
        headers.put(DataLakeConstants.PATH_HTTP_HEADERS, new PathHttpHeaders().setContentType("application/json"));
        producer.get().requestBodyAndHeaders(uri, new ByteArrayInputStream(content), headers);
    }

    /**
     * Renames {@code temp} to {@code target}; when that fails, looks at the target: if it holds the uploaded
     * bytes, the rename did happen (a retried request after a lost answer) and it counts as done.
     *
     * @return how it went, for the delivery's detail
     */
    private static String rename(DataLakeFileSystemClient fs, String temp, String target, boolean overwrite,
                                 Checksums sums) {
        DataLakeRequestConditions dest = overwrite ? null : new DataLakeRequestConditions().setIfNoneMatch("*");
        try {
            fs.getFileClient(temp).renameWithResponse(null, target, null, dest, null, Context.NONE);
            return "renamed into place";
        } catch (DataLakeStorageException e) {
            PathProperties now = properties(fs, target);
            if (now != null && sums.sameAs(now) && !fs.getFileClient(temp).exists()) {
                LOG.info("rename of {} to {} answered {} {}, but the target holds the uploaded file: the rename "
                        + "had succeeded (a retried request)", temp, target, e.getStatusCode(), e.getErrorCode());
                return "renamed into place (a retried rename had already succeeded)";
            }
            if (e.getStatusCode() == 409 && "PathAlreadyExists".equals(e.getErrorCode())) {
                throw new LakeErrors.TargetExists(target, e);
            }
            throw e;
        }
    }

    /** The target's properties, or null when it does not exist. */
    static PathProperties properties(DataLakeFileSystemClient fs, String path) {
        try {
            return fs.getFileClient(path).getProperties();
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** {@code <dir>/_tmp/<flow id>/<unique>-<file name>} for {@code <dir>/<file name>}. */
    static String tempPath(String target, String flowId, String unique) {
        int slash = target.lastIndexOf('/');
        String dir = slash < 0 ? "" : target.substring(0, slash + 1);
        return dir + TMP + "/" + flowId + "/" + unique + "-" + target.substring(slash + 1);
    }

    private static void cleanTmp(DataLakeFileSystemClient fs, String target, String flowId) {
        String tmp = parent(tempPath(target, flowId, "x"));
        try {
            fs.getDirectoryClient(tmp).deleteIfExistsWithResponse(
                    new com.azure.storage.file.datalake.options.DataLakePathDeleteOptions().setIsRecursive(true),
                    null, Context.NONE);
        } catch (RuntimeException e) {
            LOG.debug("could not remove {}: {}", tmp, e.getClass().getSimpleName());
        }
        deleteEmptyDirectory(fs, parent(tmp));
    }

    private static void deleteEmptyDirectory(DataLakeFileSystemClient fs, String dir) {
        try {
            fs.getDirectoryClient(dir).deleteWithResponse(false, null, null, Context.NONE);
        } catch (RuntimeException e) {
            // not empty (another flow's upload in progress) or gone: both fine
        }
    }

    private static void deleteQuietly(DataLakeFileSystemClient fs, String path, LakeSpec d) {
        try {
            if (fs.getFileClient(path).exists()) { // a refused create left nothing to delete
                fs.getFileClient(path).delete();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not delete the temporary file {}: {}; the next successful run of the flow removes it",
                    path, LakeErrors.explain(e, d, path));
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static Map<String, String> metadata(Shipment s, Checksums sums) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("flowexport_flow", s.flowId());
        m.put("flowexport_run", s.runId());
        m.put("flowexport_batches", s.batchRange());
        m.put("flowexport_rows", String.valueOf(s.rows()));
        m.put("flowexport_sha256", sums.sha256Hex());
        return m;
    }

    private static String contentType(FileFormat format) {
        return switch (format) {
            case CSV -> "text/csv";
            case JSON -> "application/json";
            case PARQUET -> "application/vnd.apache.parquet";
        };
    }

    private Delivered failed(LakeSpec d, String shown, String why) {
        return new Delivered(d.name(), d.type(), shown, false, 0, null, Secrets.redact(why), null);
    }

    private static String seconds(long startNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    /** The manifest could not be written after the data file was. */
    private static final class ManifestException extends RuntimeException {
        final String path;

        ManifestException(String path, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.path = path;
        }
    }
}
