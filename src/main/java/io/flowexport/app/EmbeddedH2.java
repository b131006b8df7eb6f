package io.flowexport.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The file behind an embedded H2 database URL, so that commands can tell whether it exists before connecting, and
 * the lock file a killed process leaves behind.
 */
final class EmbeddedH2 {

    private EmbeddedH2() {
    }

    /**
     * The database file of an embedded H2 URL: {@code jdbc:h2:file:./data/state;AUTO_SERVER=TRUE} or
     * {@code jdbc:h2:./data/state} gives {@code <working dir>/data/state.mv.db}; {@code ~} is the user's home.
     *
     * @return the absolute, normalised path of the {@code .mv.db} file; empty for any other URL (H2 servers
     *         {@code tcp:} and {@code ssl:}, {@code mem:}, other file systems such as {@code zip:} or {@code nio:},
     *         other databases)
     */
    static Optional<Path> file(String url) {
        if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return Optional.empty();
        }
        String rest = url.substring(8);
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.toLowerCase(Locale.ROOT).startsWith("file:")) {
            name = name.substring(5);
        } else if (name.matches("(?i)[a-z][a-z0-9]+:.*")) { // mem:, tcp:, ssl:, zip:, nio:, split:, ...
            return Optional.empty();
        }
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Optional.of(Path.of(name + ".mv.db").toAbsolutePath().normalize());
    }

    /**
     * Deletes the lock file ({@code <name>.lock.db}) of an embedded H2 database that no process has open: the one
     * a process killed with the database open (SIGKILL, a crash) leaves behind. H2's file locking
     * ({@code FILE_LOCK=FILE}, the default and the only one {@code AUTO_SERVER} allows) cannot tell such a file
     * from a live owner's, so the next open waits about 2 to 4 s before taking it over. Whether a process has the
     * database open is known for sure: H2 keeps an operating system lock on the {@code .mv.db} file while it is
     * open, which the system drops when the process dies. This method takes that lock for a moment; when it gets
     * it, nobody has the database open and the lock file is stale.
     *
     * @param url a JDBC URL; anything but an embedded H2 file database whose lock file exists is left alone
     * @return the lock file deleted, if any; empty when there was none, the database is open in a process (this
     *         one included), or the lock cannot be tried (then H2 takes its usual way)
     */
    static Optional<Path> removeStaleLock(String url) {
        Optional<Path> db = file(url);
        if (db.isEmpty() || url.toUpperCase(Locale.ROOT).contains(";FILE_LOCK=")) {
            return Optional.empty(); // FILE_LOCK=FS or NO: no lock file; FILE given explicitly is rare, leave it
        }
        String data = db.get().toString();
        Path lock = Path.of(data.substring(0, data.length() - ".mv.db".length()) + ".lock.db");
        if (!Files.exists(lock) || !Files.exists(db.get())) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(db.get(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return Optional.empty(); // another process has the database open: its lock file is live
            }
            try {
                return Files.deleteIfExists(lock) ? Optional.of(lock) : Optional.empty();
            } finally {
                held.release();
            }
        } catch (OverlappingFileLockException e) {
            return Optional.empty(); // this process has it open
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
