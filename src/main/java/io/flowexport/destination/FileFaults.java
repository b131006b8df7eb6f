package io.flowexport.destination;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says why a file operation under the export or work directory failed, in the operator's terms: the path, the
 * operating system's reason ({@code No space left on device}, {@code Operation not permitted}, a regular file where
 * a directory is needed) and what to do about it.
 *
 * <p>Java's file exceptions hide some reasons: an {@link AccessDeniedException} or a
 * {@link FileAlreadyExistsException} carries only a path, and a full disk is a bare {@code IOException} without one;
 * this puts the reason and the directory back.
 */
public final class FileFaults {

    private FileFaults() {
    }

    /** An {@link IOException} whose message already says what failed, where, why and what to do. */
    public static final class Explained extends IOException {
        Explained(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * Explains a failed file operation.
     *
     * @param doing what was being done, completed by {@code path}: e.g. {@code "write the export file"}
     * @param path  the file or directory it was done to; may be null when unknown
     * @param e     the failure; returned unchanged when it is already {@link Explained}
     * @return an {@link Explained} whose message reads
     *         {@code cannot <doing> <path>: <OS reason>; <what to do>}
     */
    public static IOException explain(String doing, Path path, IOException e) {
        if (e instanceof Explained) {
            return e;
        }
        Path subject = subject(e, path);
        Path blocker = fileInTheWay(e, subject);
        String reason;
        String advice;
        if (blocker != null) {
            reason = blocker + " is a file, not a directory";
            advice = "remove or rename " + blocker + ", or change the path";
        } else {
            reason = osReason(e);
            if (subject != null && !subject.equals(path) && !reason.contains(subject.toString())) {
                reason = subject + ": " + reason;
            }
            advice = advice(reason, e, directoryOf(subject));
        }
        return new Explained("cannot " + doing + (path == null ? "" : " " + path) + ": " + reason + "; " + advice, e);
    }

    private static String advice(String reason, IOException e, Path dir) {
        String r = reason.toLowerCase(Locale.ROOT);
        String where = dir == null ? "the target directory" : dir.toString();
        if (r.contains("no space left") || r.contains("disk quota exceeded") || r.contains("file too large")) {
            return "free space on the file system of " + where + ", or point flowexport.export.dir (or "
                    + "flowexport.work.dir, where flows with several destinations stage) to one with room";
        }
        if (e instanceof AccessDeniedException || r.contains("permission denied")
                || r.contains("operation not permitted") || r.contains("read-only file system")) {
            return "let the runner's user write to " + where + ": check its owner and mode, an immutable "
                    + "attribute (lsattr; chattr -i) and whether its file system is mounted read-only";
        }
        return "check " + where + " and its file system";
    }

    /** The reason the operating system gave, without the paths Java puts in front of it. */
    private static String osReason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            if (e instanceof AccessDeniedException) {
                return "Permission denied";
            }
            if (e instanceof NoSuchFileException) {
                return "No such file or directory";
            }
            if (e instanceof FileAlreadyExistsException) {
                return "File exists";
            }
            return e.getClass().getSimpleName();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** The path the operating system refused: the target of a copy or move, else the exception's file. */
    private static Path subject(IOException e, Path fallback) {
        if (e instanceof FileSystemException f) {
            String p = f.getOtherFile() != null ? f.getOtherFile() : f.getFile();
            if (p != null) {
                return Path.of(p);
            }
        }
        return fallback;
    }

    /** A regular file where a directory of {@code subject}'s path is needed, or null. */
    private static Path fileInTheWay(IOException e, Path subject) {
        boolean notADirectory = e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException
                || e instanceof FileSystemException f && "Not a directory".equals(f.getReason());
        if (!notADirectory || subject == null) {
            return null;
        }
        for (Path p = subject.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path directoryOf(Path p) {
        return p == null || Files.isDirectory(p) ? p : p.getParent();
    }
}
