package io.flowexport.destination;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The local-file destination ({@code file_path}): publishes a staged file under the export directory atomically.
 *
 * <p>The staged file is written in the target's directory (see {@link #stagingDirectory}) as the hidden file
 * {@code .flowexport-<flow_id>-<run_id>.tmp}, then flushed,
 * fsynced and renamed into place (an atomic rename that replaces an existing target), and the directory is
 * fsynced. Readers never see a partial file; a crashed run leaves only a hidden temporary file, which
 * {@link #removeLeftovers} deletes at the next start.
 */
public final class FileDestination {

    private static final String TEMP_PREFIX = ".flowexport-";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path exportDir;
    private final java.util.function.BiConsumer<String, Path> renamed;

    /** @param exportDir the export directory; every target must stay inside it */
    public FileDestination(Path exportDir) {
        this(exportDir, (flowId, target) -> { });
    }

    /**
     * @param exportDir the export directory; every target must stay inside it
     * @param renamed   told (flow id, or null outside a run; published file) when a file was renamed into place, before the
     *                  directory is synced (see {@link io.flowexport.run.RunListener#renamed})
     */
    public FileDestination(Path exportDir, java.util.function.BiConsumer<String, Path> renamed) {
        this.exportDir = exportDir.toAbsolutePath().normalize();
        this.renamed = renamed;
    }

    /** The export directory, absolute and normalised. */
    public Path exportDir() {
        return exportDir;
    }

    /**
     * Resolves a rendered relative path against the export directory.
     *
     * @throws IllegalArgumentException when the path is absolute or leaves the export directory
     */
    public Path resolve(String relativePath) {
        Path rel = Path.of(relativePath);
        if (rel.isAbsolute()) {
            throw new IllegalArgumentException("path '" + relativePath + "' is absolute; file_path and file "
                    + "destinations' path must be relative to the export directory " + exportDir);
        }
        Path target = exportDir.resolve(rel).normalize();
        if (!target.startsWith(exportDir) || target.equals(exportDir)) {
            throw new IllegalArgumentException("path '" + relativePath + "' leaves the export directory "
                    + exportDir);
        }
        return target;
    }

    /**
     * The directory a flow stages its files in: the deepest directory of the target path that holds no
     * placeholder (the target's own directory when its directory part has none). Staging there keeps the staged
     * file on the target's file system, so the final rename is atomic, and lets {@link #removeLeftovers} find
     * what a crashed run left without scanning the export directory.
     *
     * @param template the configured {@code file_path}, placeholders unrendered
     * @throws IllegalArgumentException when the path is absolute or leaves the export directory
     */
    public Path stagingDirectory(String template) {
        Path rel = Path.of(template).getParent();
        Path dir = exportDir;
        if (rel != null) {
            for (Path segment : rel) {
                if (segment.toString().contains("{")) {
                    break;
                }
                dir = dir.resolve(segment);
            }
        }
        dir = dir.normalize();
        if (!dir.startsWith(exportDir)) {
            throw new IllegalArgumentException("path '" + template + "' leaves the export directory " + exportDir);
        }
        return dir;
    }

    /**
     * Creates the staging directory of a run and returns its staged file's path (not created).
     *
     * @throws IOException when the directory cannot be created; the message says why and what to do
     *                     ({@link FileFaults})
     */
    public Path stage(String template, String flowId, String runId) throws IOException {
        Path dir = stagingDirectory(template);
        createDirectories(dir);
        return dir.resolve(TEMP_PREFIX + flowId + "-" + runId + TEMP_SUFFIX);
    }

    /**
     * Publishes a staged file: fsync, then atomic rename to the target, then fsync of the target's directory.
     *
     * @param staged       the complete staged file
     * @param relativePath the final path relative to the export directory (every placeholder rendered)
     * @return the published file's absolute path
     * @throws IOException when the target's directory cannot be created or the file cannot be synced or renamed
     *                     (the message says why and what to do, {@link FileFaults}); the staged file is left for
     *                     the caller to delete and the target is unchanged
     */
    public Path publish(Path staged, String relativePath) throws IOException {
        return publish(staged, relativePath, null);
    }

    /**
     * As {@link #publish(Path, String)}, for a run of {@code flowId} (named to the {@code renamed} listener,
     * between the rename and the directory sync).
     *
     * @throws IOException as {@link #publish(Path, String)}
     */
    public Path publish(Path staged, String relativePath, String flowId) throws IOException {
        Path target = resolve(relativePath);
        createDirectories(target.getParent());
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw FileFaults.explain("write the staged file", staged, e);
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + staged + " to " + target + " atomically (different file "
                    + "systems?); keep the export directory on one file system", e);
        } catch (IOException e) {
            throw FileFaults.explain("rename " + staged.getFileName() + " to", target, e);
        }
        renamed.accept(flowId, target);
        syncDirectory(target.getParent());
        return target;
    }

    /**
     * Deletes the temporary files that crashed runs of a flow left in its staging directory.
     *
     * @param template the flow's configured {@code file_path}
     * @param flowId   the flow
     * @return the files deleted
     * @throws IOException when the directory cannot be listed or a file deleted
     */
    public List<Path> removeLeftovers(String template, String flowId) throws IOException {
        Path dir = stagingDirectory(template);
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        String glob = TEMP_PREFIX + flowId + "-*" + TEMP_SUFFIX;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            for (Path f : files) {
                if (Files.deleteIfExists(f)) {
                    removed.add(f);
                }
            }
        }
        return removed;
    }

    private static void createDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw FileFaults.explain("create the directory", dir, e);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for sync; the rename itself is still atomic.
        }
    }
}
