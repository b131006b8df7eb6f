package io.flowexport.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a staged file's data to disk while the export is still writing it: a daemon thread checks the file's size
 * every {@value #CHECK_MILLIS} ms and forces it ({@code fdatasync}) each time it has grown by {@value #STEP_MB} MB.
 * The publisher's fsync before the rename then has only the tail left, instead of the whole file at the end (about
 * 1 s for a 1.2 GB file here, during which the run waits). Only the timing of the disk writes changes: the file
 * is published exactly as before. A failed force fails the run ({@link #failure()}): Linux reports a write-back
 * error to one fsync only, so the publisher's later fsync could succeed on lost data.
 */
final class StagedSync implements AutoCloseable {

    static final int STEP_MB = 64;
    static final int CHECK_MILLIS = 250;
    private static final long STEP = (long) STEP_MB << 20;

    private final Path staged;
    private final Thread thread;
    private volatile boolean stop;
    private volatile IOException failure;

    private StagedSync(Path staged, String flowId) {
        this.staged = staged;
        this.thread = new Thread(this::loop, "flowexport-sync-" + flowId);
        thread.setDaemon(true);
    }

    /** Starts forcing {@code staged} as it grows; {@link #close()} stops it. */
    static StagedSync start(Path staged, String flowId) {
        StagedSync s = new StagedSync(staged, flowId);
        s.thread.start();
        return s;
    }

    private void loop() {
        long synced = 0;
        while (!stop) {
            LockSupport.parkNanos(CHECK_MILLIS * 1_000_000L);
            try {
                long size = Files.size(staged);
                if (!stop && size - synced >= STEP) {
                    try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                        ch.force(false);
                    }
                    synced = size;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                return; // the run failed and deleted it
            } catch (IOException e) {
                failure = e;
                return;
            }
        }
    }

    /** The error of a force that failed, or null; read after {@link #close()}. */
    IOException failure() {
        return failure;
    }

    /** Stops the thread and waits for a force in progress to end (so none overlaps the publishing). */
    @Override
    public void close() {
        stop = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
