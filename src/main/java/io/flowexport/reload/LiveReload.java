package io.flowexport.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the flow and route directories and reloads them while the runner runs.
 *
 * <p>One thread. File events (inotify on Linux, through the JDK's {@link WatchService}) are debounced: a reload
 * happens once the directories have been quiet for {@code quiet}, so an editor's several writes, or its
 * write-to-temp-then-rename save, make one reload. Every {@code rescan} the directories' listing (names, sizes,
 * modification times) is compared with the last reload's, which catches changes on file systems without events
 * and directories created after start. A reload may ask to be repeated at a given time (a broken file still
 * settling, a removed flow's run still in progress).
 *
 * <p>Each reload is one call of the given action, never two at once; {@link #close} waits for the one in progress.
 */
public final class LiveReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.reload");

    private final List<Path> dirs;
    private final Supplier<Instant> reload;
    private final Duration quiet;
    private final Duration rescan;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile boolean closed;
    private WatchService watcher;
    private final Set<Path> watched = new HashSet<>();
    private Instant pendingDue;

    /**
     * @param dirs   the directories to watch (not recursively); they may not exist yet
     * @param reload reloads everything; returns when to reload again without an event, or null
     * @param quiet  debounce: how long after the last event to wait before reloading
     * @param rescan how often to compare the directory listings without an event
     */
    public LiveReload(List<Path> dirs, Supplier<Instant> reload, Duration quiet, Duration rescan) {
        this.dirs = List.copyOf(dirs);
        this.reload = reload;
        this.quiet = quiet;
        this.rescan = rescan;
        this.thread = new Thread(this::loop, "flowexport-reload");
        this.thread.setDaemon(true);
    }

    /**
     * Reloads once on the calling thread, then starts watching.
     *
     * @throws IOException when the file system offers no watch service
     */
    public void start() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        registerMissing();
        Instant due = reloadNow();
        thread.start();
        LOG.info("watching {} for changes (debounce {} ms, rescan every {} ms)", dirs, quiet.toMillis(),
                rescan.toMillis());
        synchronized (lock) {
            pendingDue = due;
        }
    }

    private void loop() {
        Instant lastEvent = null;
        Object listing = listing();
        Instant nextRescan = Instant.now().plus(rescan);
        while (!closed) {
            Instant now = Instant.now();
            Instant wake = nextRescan;
            Instant due;
            synchronized (lock) {
                due = pendingDue;
            }
            if (due != null && due.isBefore(wake)) {
                wake = due;
            }
            if (lastEvent != null && lastEvent.plus(quiet).isBefore(wake)) {
                wake = lastEvent.plus(quiet);
            }
            long waitMs = Math.max(1, Duration.between(now, wake).toMillis());
            WatchKey key;
            try {
                key = watcher.poll(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            if (key != null) {
                do {
                    key.pollEvents(); // which file changed does not matter: the whole directory is compared
                    if (!key.reset()) {
                        watched.remove((Path) key.watchable());
                    }
                    key = watcher.poll();
                } while (key != null);
                lastEvent = Instant.now();
                continue;
            }
            now = Instant.now();
            boolean debounced = lastEvent != null && !now.isBefore(lastEvent.plus(quiet));
            boolean recheck = due != null && !now.isBefore(due);
            boolean rescanDue = !now.isBefore(nextRescan);
            Object newListing = rescanDue || debounced || recheck ? listing() : listing;
            if (rescanDue) {
                nextRescan = now.plus(rescan);
                registerMissing();
            }
            if (debounced || recheck || !newListing.equals(listing)) {
                lastEvent = null;
                listing = newListing;
                Instant next = reloadNow();
                synchronized (lock) {
                    pendingDue = next;
                }
            }
        }
    }

    private Instant reloadNow() {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            try {
                return reload.get();
            } catch (RuntimeException e) {
                LOG.error("reload failed: {}; the flows and routes in force stay as they were, the next change or "
                        + "rescan tries again", e.toString(), e);
                return Instant.now().plus(rescan);
            }
        }
    }

    private void registerMissing() {
        for (Path d : dirs) {
            Path abs = d.toAbsolutePath();
            if (watched.contains(abs) || !Files.isDirectory(abs)) {
                continue;
            }
            try {
                abs.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                watched.add(abs);
            } catch (IOException e) {
                LOG.warn("cannot watch {}: {}; changes there are found by the rescan every {}", abs,
                        e.getMessage(), rescan);
            }
        }
    }

    /** Names, sizes and modification times of the directories' files: what a rescan compares. */
    private Object listing() {
        TreeMap<String, String> all = new TreeMap<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        all.put(f.toString(), a.size() + "@" + a.lastModifiedTime().toInstant());
                    } catch (IOException gone) {
                        // deleted while listing: the next listing shows it
                    }
                }
            } catch (IOException e) {
                all.put(d.toString(), "unlistable: " + e.getMessage());
            }
        }
        return new ArrayList<>(all.entrySet());
    }

    /** Stops watching; waits for a reload in progress to finish. */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            try {
                if (watcher != null) {
                    watcher.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
