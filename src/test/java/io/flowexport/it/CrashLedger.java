package io.flowexport.it;

import static org.assertj.core.api.Assertions.fail;

import io.flowexport.it.ExportedRows.Row;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the crash harness's destinations hold, read back after every kill: the files visible in each file
 * destination's directory (hidden {@code .flowexport-*} files are the runner's temporary files and are only
 * counted) and every request the HTTP receiver accepted. Each visible file and each whole-file request must be a
 * whole export: rows of consecutive batches, each batch with every one of its source rows, the last batch the
 * one in its name. Counts, per destination, the rows published, the rows lost, real duplicates (a row in two
 * differently named files, or under two Idempotency-Keys) and re-sends the destination deduplicates (a file name
 * published again, seen by a watch on the directory; a request with a key it already received).
 */
final class CrashLedger implements AutoCloseable {

    /** The formats the harness's flows write. */
    enum Format { CSV, JSONL, PARQUET }

    /**
     * A destination of a flow.
     *
     * @param where       a directory under the export directory, or the HTTP path prefix (e.g. {@code /jsonl/})
     * @param wholeBodies for HTTP: each request carries the whole file (mode {@code whole}), not a chunk
     */
    record Target(String flow, String destination, boolean http, String where, Format format,
                  boolean wholeBodies) {
        String label() {
            return flow + " -> " + destination + (http ? " (http " + where + ")" : " (file " + where + "/)");
        }
    }

    /** One kill's view: temporary files left, and flows whose destinations hold batches above the watermark. */
    record Snapshot(int temporaryFiles, List<String> publishedAboveWatermark) {
    }

    /**
     * The totals of one destination.
     *
     * @param rowsPresent distinct source rows it holds
     * @param occurrences rows read, counting each copy
     * @param rowsLost    source rows it lacks
     * @param duplicates  rows it holds under two names or keys, with up to five examples
     * @param deduped     publications of a name or key it had already (file: renames over an existing name;
     *                    http: requests with a key already received)
     */
    record Totals(Target target, long rowsPresent, long occurrences, long rowsLost, long duplicates,
                  List<String> examples, long deduped) {
    }

    /** {@code <last batch>.<ext>}, or {@code <last batch>_<run id>.<ext>} (a name per run). */
    private static final Pattern NAME = Pattern.compile("(\\d+)(?:_[0-9A-Za-z-]+)?\\.(csv|parquet|jsonl)");
    private static final Pattern LAST_SEGMENT = Pattern.compile(".*/(\\d+)");

    private final Path exportDir;
    private final RecordingHttpServer http;
    private final SourceBatches source;
    private final List<Target> targets;
    private final Connection duck;
    private final Map<Path, Cached> cache = new HashMap<>();
    private final Map<Target, List<Request>> requests = new HashMap<>();
    private final Map<Path, Integer> creates = new ConcurrentHashMap<>();
    private final WatchService watch;
    private final Thread watcher;
    private final Map<String, Long> lastAhead = new HashMap<>();
    private volatile int overflows;

    private record Cached(Object stamp, List<Row> rows) {
    }

    private record Request(String key, String range, String path, List<Row> rows) {
    }

    CrashLedger(Path exportDir, RecordingHttpServer http, SourceBatches source, List<Target> targets)
            throws IOException, SQLException {
        this.exportDir = exportDir;
        this.http = http;
        this.source = source;
        this.targets = List.copyOf(targets);
        this.duck = DriverManager.getConnection("jdbc:duckdb:");
        this.watch = exportDir.getFileSystem().newWatchService();
        for (Target t : targets) {
            if (!t.http()) {
                Files.createDirectories(exportDir.resolve(t.where()))
                        .register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            } else {
                requests.put(t, new ArrayList<>());
            }
        }
        this.watcher = new Thread(this::watch, "crash-ledger-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Counts every name that appears in a file destination's directory (a rename onto it included). */
    private void watch() {
        try {
            while (true) {
                WatchKey key = watch.take();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflows++;
                    } else if (!e.context().toString().startsWith(".")) {
                        creates.merge(((Path) key.watchable()).resolve((Path) e.context()), 1, Integer::sum);
                    }
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the test is over
        }
    }

    /** Watch events lost to an overflow (then the counts of re-published names are lower bounds). */
    int overflows() {
        return overflows;
    }

    /**
     * Reads every destination while no runner runs and checks it: no partial file or body; every row of every
     * batch up to the flow's watermark published to each of the flow's destinations.
     *
     * @param watermarks flow id -> watermark (absent: none yet)
     */
    Snapshot check(Map<String, Long> watermarks, String when) throws IOException, SQLException {
        int temporary = 0;
        Map<String, Long> maxPublished = new TreeMap<>();
        for (Target t : targets) {
            BitSet ids = new BitSet();
            if (t.http()) {
                readRequests(t).forEach(r -> r.rows().forEach(row -> ids.set((int) row.id())));
            } else {
                temporary += readFiles(t, ids);
            }
            long w = watermarks.getOrDefault(t.flow(), 0L);
            long upTo = w == 0 ? 0 : source.batch(w)[0] + source.batch(w)[1] - 1;
            int firstMissing = ids.nextClearBit(1);
            if (firstMissing <= upTo) {
                fail("%s: %s: the watermark is %d but row %d (batch %d) is not published there", when, t.label(), w,
                        firstMissing, source.batchOf(firstMissing));
            }
            maxPublished.merge(t.flow(), (long) ids.length() - 1, Math::max);
        }
        List<String> ahead = new ArrayList<>();
        maxPublished.forEach((flow, maxId) -> {
            long w = watermarks.getOrDefault(flow, 0L);
            long upTo = w == 0 ? 0 : source.batch(w)[0] + source.batch(w)[1] - 1;
            Long before = lastAhead.put(flow, maxId);
            if (maxId > upTo && !Long.valueOf(maxId).equals(before)) {
                ahead.add(flow + " (batch " + source.batchOf(maxId) + " published, watermark " + w + ")");
            }
        });
        return new Snapshot(temporary, ahead);
    }

    private int readFiles(Target t, BitSet ids) throws IOException, SQLException {
        int temporary = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(exportDir.resolve(t.where()))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    temporary++;
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (!m.matches()) {
                    fail("%s: unexpected file %s", t.label(), p);
                }
                for (Row r : rows(t, p, Long.parseLong(m.group(1)))) {
                    ids.set((int) r.id());
                }
            }
        }
        return temporary;
    }

    private List<Row> rows(Target t, Path p, long lastBatch) throws IOException, SQLException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        Object stamp = List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
        Cached c = cache.get(p);
        if (c != null && c.stamp().equals(stamp)) {
            return c.rows();
        }
        String where = exportDir.relativize(p).toString();
        List<Row> rows;
        try {
            rows = switch (t.format()) {
                case CSV -> ExportedRows.csv(Files.readAllBytes(p));
                case JSONL -> ExportedRows.jsonLines(Files.readAllBytes(p));
                case PARQUET -> ExportedRows.parquet(duck, p);
            };
        } catch (IOException | SQLException | RuntimeException e) {
            throw new AssertionError(where + " is visible but is not a whole " + t.format() + " file: " + e, e);
        }
        checkWhole(rows, lastBatch, null, where);
        cache.put(p, new Cached(stamp, rows));
        return rows;
    }

    private List<Request> readRequests(Target t) throws IOException {
        List<Request> seen = requests.get(t);
        List<RecordingHttpServer.Received> all = http.received(t.where());
        for (RecordingHttpServer.Received r : all.subList(seen.size(), all.size())) {
            String where = r.method() + " " + r.path() + " (Idempotency-Key " + r.idempotencyKey() + ", batches "
                    + r.header("X-FlowExport-Batch-Range") + ")";
            List<Row> rows;
            try {
                rows = t.format() == Format.JSONL ? ExportedRows.jsonLines(r.body()) : ExportedRows.csv(r.body());
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(where + ": the body is not whole " + t.format() + ": " + e, e);
            }
            String range = r.header("X-FlowExport-Batch-Range");
            if (t.wholeBodies()) {
                Matcher m = LAST_SEGMENT.matcher(r.path());
                if (!m.matches()) {
                    fail("%s: no batch id at the end of the path", where);
                }
                checkWhole(rows, Long.parseLong(m.group(1)), range, where);
            } else {
                checkRows(rows, range, where);
            }
            seen.add(new Request(r.idempotencyKey(), range, r.path(), rows));
        }
        return seen;
    }

    /** Rows of consecutive batches, each batch whole, the last one {@code lastBatch}; the range header's. */
    private void checkWhole(List<Row> rows, long lastBatch, String range, String where) {
        checkRows(rows, range, where);
        if (rows.isEmpty()) {
            fail("%s: published without rows", where);
        }
        Map<Long, Integer> perBatch = new TreeMap<>();
        rows.forEach(r -> perBatch.merge(r.batch(), 1, Integer::sum));
        long first = ((TreeMap<Long, Integer>) perBatch).firstKey();
        long last = ((TreeMap<Long, Integer>) perBatch).lastKey();
        if (last != lastBatch) {
            fail("%s: named after batch %d but its last batch is %d", where, lastBatch, last);
        }
        for (long b = first; b <= last; b++) {
            long expected = source.batch(b)[1];
            int got = perBatch.getOrDefault(b, 0);
            if (got != expected) {
                fail("%s: batch %d has %d of its %d rows (a partial export)", where, b, got, expected);
            }
        }
        if (range != null && !range.equals(first == last ? String.valueOf(last) : first + ".." + last)) {
            fail("%s: X-FlowExport-Batch-Range %s, rows of batches %d..%d", where, range, first, last);
        }
    }

    /** Every row once, with its source batch and text, within the request's batch range when there is one. */
    private void checkRows(List<Row> rows, String range, String where) {
        Set<Long> ids = new HashSet<>();
        long low = Long.MIN_VALUE;
        long high = Long.MAX_VALUE;
        if (range != null) {
            String[] ends = range.split("\\.\\.");
            low = Long.parseLong(ends[0]);
            high = Long.parseLong(ends[ends.length - 1]);
        }
        for (Row r : rows) {
            if (!ids.add(r.id())) {
                fail("%s: row %d twice", where, r.id());
            }
            long batch = source.batchOf(r.id());
            if (batch != r.batch()) {
                fail("%s: row %d has batch %d; the source wrote it in batch %d", where, r.id(), r.batch(), batch);
            }
            if (!ExportedRows.note(r.id()).equals(r.note())) {
                fail("%s: row %d has text %s; the source wrote %s", where, r.id(), r.note(), ExportedRows.note(r.id()));
            }
            if (r.batch() < low || r.batch() > high) {
                fail("%s: row %d of batch %d is outside the batch range %s", where, r.id(), r.batch(), range);
            }
        }
    }

    /** The totals of every destination, from what it holds now (call after the last check). */
    List<Totals> totals() {
        List<Totals> out = new ArrayList<>();
        for (Target t : targets) {
            Map<Long, String> firstSeen = new HashMap<>();
            Map<String, Integer> keysSeen = new HashMap<>();
            List<String> examples = new ArrayList<>();
            long occurrences = 0;
            long duplicates = 0;
            long deduped = 0;
            Map<String, List<Row>> units = new LinkedHashMap<>();
            if (t.http()) {
                for (Request r : requests.get(t)) {
                    if (keysSeen.merge(r.key(), 1, Integer::sum) > 1) {
                        deduped++; // the receiver keeps the first body sent under a key
                        occurrences += r.rows().size();
                        continue;
                    }
                    units.put("key " + r.key() + " (" + r.path() + ", batches " + r.range() + ")", r.rows());
                }
            } else {
                Path dir = exportDir.resolve(t.where());
                new TreeMap<>(cache).forEach((p, c) -> {
                    if (p.getParent().equals(dir) && Files.exists(p)) {
                        units.put(exportDir.relativize(p).toString(), c.rows());
                    }
                });
                deduped = creates.entrySet().stream().filter(e -> e.getKey().getParent().equals(dir))
                        .mapToLong(e -> e.getValue() - 1).sum();
            }
            for (Map.Entry<String, List<Row>> u : units.entrySet()) {
                for (Row r : u.getValue()) {
                    occurrences++;
                    String before = firstSeen.putIfAbsent(r.id(), u.getKey());
                    if (before != null) {
                        duplicates++;
                        if (examples.size() < 5) {
                            examples.add("row " + r.id() + " (batch " + r.batch() + ") in " + before + " and in "
                                    + u.getKey());
                        }
                    }
                }
            }
            long lost = source.rows() - firstSeen.size();
            out.add(new Totals(t, firstSeen.size(), occurrences, lost, duplicates, examples, deduped));
        }
        return out;
    }

    @Override
    public void close() throws IOException, SQLException {
        watch.close();
        duck.close();
    }
}
