package io.flowexport.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmbeddedH2#removeStaleLock}: the lock file a killed process leaves goes; a live owner's stays. */
class StaleH2LockTest {

    @TempDir
    Path tmp;

    /** The lock file of an AUTO_SERVER database whose process was killed: its id, method and dead server. */
    private static Path leaveStaleLock(Path dir, String name) throws Exception {
        Path lock = dir.resolve(name + ".lock.db");
        Files.writeString(lock, "#FileLock\nhostName=localhost\nid=18c0ffee\nmethod=file\nserver=localhost\\:1\n");
        return lock;
    }

    @Test
    void theLockFileOfADatabaseNobodyHasOpenIsRemovedAndTheNextOpenDoesNotWait() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("state") + ";AUTO_SERVER=TRUE";
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("create table t(x int)");
        }
        Path lock = leaveStaleLock(tmp, "state");

        assertThat(EmbeddedH2.removeStaleLock(url)).contains(lock.toAbsolutePath().normalize());
        assertThat(lock).doesNotExist();
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(c.createStatement().executeQuery("select count(*) from t").next()).isTrue();
        }
        // H2 takes a fresh lock file over only after it is 2 s old, then waits 2 s more
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void theLockFileOfAnOpenDatabaseStays() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("live") + ";AUTO_SERVER=TRUE";
        try (Connection c = DriverManager.getConnection(url)) {
            Path lock = tmp.resolve("live.lock.db");
            assertThat(lock).exists();

            assertThat(EmbeddedH2.removeStaleLock(url)).isEmpty();
            assertThat(lock).exists();
            assertThat(c.isValid(1)).isTrue();
        }
    }

    @Test
    void otherUrlsAndDatabasesWithoutALockFileAreLeftAlone() throws Exception {
        assertThat(EmbeddedH2.removeStaleLock("jdbc:h2:file:" + tmp.resolve("none"))).isEmpty();
        assertThat(EmbeddedH2.removeStaleLock("jdbc:h2:mem:x")).isEmpty();
        assertThat(EmbeddedH2.removeStaleLock("jdbc:postgresql://127.0.0.1:5432/test")).isEmpty();
        Files.createFile(tmp.resolve("fs.mv.db"));
        Path lock = leaveStaleLock(tmp, "fs");
        assertThat(EmbeddedH2.removeStaleLock("jdbc:h2:file:" + tmp.resolve("fs") + ";FILE_LOCK=FS")).isEmpty();
        assertThat(lock).exists();
    }
}
