package io.flowexport.destination;

import io.flowexport.flow.IfExists;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local-file destination ({@code file_path}): publishes a staged file under the export directory atomically.
 *
 * <p>The staged file is written in the target's directory (see {@link #stagingDirectory}) as the hidden file
 * {@code .flowexport-<flow_id>-<run_id>.tmp}, then flushed, fsynced and put into place under the target's name in
 * one step (an atomic rename, or a hard link when an existing file must not be replaced), and the directory is
 * fsynced. Readers never see a partial file; a crashed run leaves only a hidden temporary file, which
 * {@link #removeLeftovers} deletes at the next start. A file that already has the target's name is left as it is
 * when it holds the same bytes, else replaced or kept according to the flow's {@code if_exists} (see
 * {@link #publish(Path, String, String, IfExists)}).
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
     * A file that already has a target's name.
     *
     * @param target the file, absolute
     * @param bytes  its size in bytes
     * @param same   true when it holds exactly the bytes of the file compared with it
     */
    public record Existing(Path target, long bytes, boolean same) {
    }

    /**
     * Looks at a target before publishing: whether a regular file has its name and whether it holds the bytes of
     * {@code file} (sizes first, then the bytes, streamed).
     *
     * @param file         the file that would be published; null to look at the target only ({@code same} is then
     *                     false)
     * @param relativePath the target relative to the export directory (every placeholder rendered)
     * @return the existing file, or empty when none has the name
     * @throws IOException              when the existing file cannot be read
     * @throws IllegalArgumentException when the path is absolute or leaves the export directory
     */
    public Optional<Existing> existing(Path file, String relativePath) throws IOException {
        return existingAt(file, resolve(relativePath));
    }

    private static Optional<Existing> existingAt(Path file, Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            return Optional.empty();
        }
        long size = Files.size(target);
        return Optional.of(new Existing(target, size, file != null && sameBytes(file, target, size)));
    }

    /**
     * Publishes a staged file: fsync, then atomic rename to the target, then fsync of the target's directory;
     * an existing target is replaced (see {@link #publish(Path, String, String, IfExists)}).
     *
     * @param staged       the complete staged file
     * @param relativePath the final path relative to the export directory (every placeholder rendered)
     * @return the published file's absolute path
     * @throws IOException when the target's directory cannot be created or the file cannot be synced or renamed
     *                     (the message says why and what to do, {@link FileFaults}); the staged file is left for
     *                     the caller to delete and the target is unchanged
     */
    public Path publish(Path staged, String relativePath) throws IOException {
        return publish(staged, relativePath, null, IfExists.OVERWRITE).path();
    }

    /**
     * Publishes a staged file for a run of {@code flowId}: fsync, then into place under the target's name, then
     * fsync of the target's directory. Readers never see a partial file. When a file has the name:
     * <ul>
     *   <li>{@link IfExists#OVERWRITE}: it is replaced by an atomic rename ({@link Published.Outcome#REPLACED}),
     *       without reading it;</li>
     *   <li>{@link IfExists#FAIL}: when it holds the same bytes (sizes compared, then the bytes, streamed) it is left
     *       as it is, its time stamps too, and the staged file deleted ({@link Published.Outcome#UNCHANGED}); with
     *       other content the publish is refused ({@link TargetExists}). The staged file takes the target's name
     *       as a hard link, which fails when a file has the name, also one that appeared since it was looked at;
     *       where hard links are not supported, a rename after the look.</li>
     * </ul>
     * The {@code renamed} listener is told (with {@code flowId}) once the name is in place, before the directory
     * is synced.
     *
     * @param staged       the complete staged file
     * @param relativePath the final path relative to the export directory (every placeholder rendered)
     * @param flowId       the run's flow, for the listener; null outside a run
     * @param ifExists     what to do with a file that has the name
     * @return what was published and how
     * @throws TargetExists when {@code ifExists} is {@link IfExists#FAIL} and a file with other content has the
     *                      name: it and the staged file are left as they are
     * @throws IOException  when the target's directory cannot be created, an existing file cannot be read, or the
     *                      file cannot be synced or renamed (the message says why and what to do,
     *                      {@link FileFaults}); the staged file is left for the caller to delete and the target is
     *                      unchanged
     */
    public Published publish(Path staged, String relativePath, String flowId, IfExists ifExists) throws IOException {
        Path target = resolve(relativePath);
        createDirectories(target.getParent());
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw FileFaults.explain("write the staged file", staged, e);
        }
        long bytes = Files.size(staged);
        Published.Outcome outcome = Published.Outcome.CREATED;
        long replaced = -1;
        if (ifExists == IfExists.OVERWRITE) {
            replaced = sizeOf(target);
            rename(staged, target);
            if (replaced >= 0) {
                outcome = Published.Outcome.REPLACED;
            }
        } else {
            Optional<Existing> there = look(staged, target);
            Linked linked = Linked.NAME_TAKEN;
            if (there.isEmpty()) {
                linked = link(staged, target);
                if (linked == Linked.NAME_TAKEN) {
                    there = look(staged, target); // a file took the name after the first look
                }
            }
            if (there.isPresent()) {
                if (!there.get().same()) {
                    throw new TargetExists(target, there.get().bytes(), bytes);
                }
                Files.deleteIfExists(staged);
                return new Published(target, Published.Outcome.UNCHANGED, bytes, -1);
            }
            if (linked != Linked.LINKED) { // no hard links here, or what has the name is no file: the rename says
                rename(staged, target);
            }
        }
        renamed.accept(flowId, target);
        syncDirectory(target.getParent());
        return new Published(target, outcome, bytes, replaced);
    }

    /** The size of the regular file at {@code target}, or -1 when there is none. */
    private static long sizeOf(Path target) {
        try {
            return Files.isRegularFile(target) ? Files.size(target) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The file that has the target's name, compared with {@code staged}. */
    private static Optional<Existing> look(Path staged, Path target) throws IOException {
        try {
            return existingAt(staged, target);
        } catch (IOException e) {
            throw FileFaults.explain("read the existing file", target, e);
        }
    }

    private enum Linked { LINKED, NAME_TAKEN, NOT_SUPPORTED }

    /**
     * Gives the staged file the target's name as a hard link, which (unlike a rename) fails when the name is
     * taken, then removes the staged name.
     *
     * @return {@link Linked#NOT_SUPPORTED} when the link could not be made for another reason (a file system
     *         without hard links; or a fault such as a read-only directory, which the rename then reports)
     */
    private static Linked link(Path staged, Path target) {
        try {
            Files.createLink(target, staged);
        } catch (FileAlreadyExistsException e) {
            return Linked.NAME_TAKEN;
        } catch (UnsupportedOperationException | IOException e) {
            return Linked.NOT_SUPPORTED;
        }
        try {
            Files.delete(staged);
        } catch (IOException e) {
            // the file is published; the staged name is a hidden leftover, removed at the next start
        }
        return Linked.LINKED;
    }

    private static void rename(Path staged, Path target) throws IOException {
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + staged + " to " + target + " atomically (different file "
                    + "systems?); keep the export directory on one file system", e);
        } catch (IOException e) {
            throw FileFaults.explain("rename " + staged.getFileName() + " to", target, e);
        }
    }

    /** Same size, then the same bytes (streamed). */
    private static boolean sameBytes(Path file, Path target, long targetSize) throws IOException {
        return Files.size(file) == targetSize && Files.mismatch(file, target) == -1L;
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
