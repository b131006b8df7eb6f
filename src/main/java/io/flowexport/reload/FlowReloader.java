package io.flowexport.reload;

import io.flowexport.diag.Problems;
import io.flowexport.flow.Flow;
import io.flowexport.route.LiveFlows;
import io.flowexport.validate.FileOutcome;
import io.flowexport.validate.FlowSet;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the flows in force in line with the flow directory: loads and validates every file, then adds,
 * replaces and removes flows one at a time through {@link LiveFlows}.
 *
 * <p>Rules: a file whose new bytes have errors keeps its last good version in force (and its problems are
 * logged once and shown in the status until the file is fixed); a file that never was good puts nothing in
 * force. A deleted file takes its flow out of force (its watermark stays in the state store). A renamed file,
 * or a flow whose id changed, is a removal plus an addition. When two files claim one flow id, the file whose
 * version is in force keeps it and the other gets an error.
 *
 * <p>Problems of a file written less than {@code settle} ago are not logged yet, but rechecked after it: a file
 * caught half-written does not flood the log, while the status shows its problems at once.
 *
 * <p>One thread calls {@link #reload}; {@link #status} may be called from any thread.
 */
public final class FlowReloader {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.reload");

    private final Supplier<FlowSet> load;
    private final LiveFlows live;
    private final Consumer<Flow> beforeAdd;
    private final Duration settle;
    private final Map<Path, Flow> lastGood = new HashMap<>();
    private final Map<Path, String> logged = new HashMap<>();
    private final Map<Path, FlowFileStatus> status = new ConcurrentHashMap<>();
    private volatile List<FileOutcome> catalogue = List.of();
    private final Map<Path, String> catalogueLogged = new HashMap<>();
    /** When the first reload (the runner's start) began; null before it. */
    private Instant startedAt;

    /**
     * @param load      loads and validates the flow directory (see {@link io.flowexport.validate.FlowLoader})
     * @param live      the flows in force
     * @param beforeAdd called before a flow id is put in force for the first time (e.g. to delete temporary
     *                  files that a crashed run left)
     * @param settle    how long after its last write a broken file's problems wait before they are logged
     */
    public FlowReloader(Supplier<FlowSet> load, LiveFlows live, Consumer<Flow> beforeAdd, Duration settle) {
        this.load = load;
        this.live = live;
        this.beforeAdd = beforeAdd;
        this.settle = settle;
    }

    /**
     * Loads the flow directory and applies what changed.
     *
     * @return when to look again even without a file event (a broken file still settling, a removed flow's run
     *         still in progress), or null
     */
    public Instant reload() {
        Instant now = Instant.now();
        boolean atStart = startedAt == null;
        if (atStart) {
            startedAt = now;
        }
        FlowSet set = load.get();
        Map<Path, FileOutcome> outcomes = new LinkedHashMap<>();
        for (FileOutcome o : set.files()) {
            outcomes.put(o.file(), o);
        }
        lastGood.keySet().retainAll(outcomes.keySet());
        logged.keySet().retainAll(outcomes.keySet());
        status.keySet().retainAll(outcomes.keySet());

        Map<Path, Flow> desired = new LinkedHashMap<>();
        Map<Path, List<Problem>> extra = new HashMap<>();
        for (FileOutcome o : outcomes.values()) {
            if (o.flow() != null) {
                lastGood.put(o.file(), o.flow());
            }
            Flow want = o.flow() != null ? o.flow() : lastGood.get(o.file());
            if (want != null) {
                desired.put(o.file(), want);
            }
        }
        Map<String, Flow> byId = claim(desired, extra);

        Map<Path, String> results = new HashMap<>();
        for (Flow f : live.all()) {
            Flow next = byId.get(f.id());
            if (next == null) {
                live.remove(f);
                boolean running = isRunning(f);
                LOG.info("flow '{}' removed: {} {}; its triggers are unscheduled and its watermark is kept{}", f.id(),
                        f.file(), outcomes.containsKey(f.file()) ? "now declares another flow id" : "was deleted",
                        running ? "; the run in progress finishes first" : "");
            }
        }
        for (Map.Entry<String, Flow> e : byId.entrySet()) {
            Flow next = e.getValue();
            Flow cur = live.current(e.getKey());
            try {
                if (cur == null) {
                    beforeAdd.accept(next);
                    live.add(next);
                    results.put(next.file(), "added");
                    LOG.info("flow '{}' added from {} (version {}), {}{}", next.id(), next.file(), next.version(),
                            describeTriggers(next), atStart ? "; loaded at start" : sinceWritten(next.file()));
                } else if (!cur.equals(next)) {
                    // a new file version, a moved file, or a catalogue entry the flow uses changed
                    boolean running = isRunning(cur);
                    live.replace(cur, next);
                    results.put(next.file(), "replaced");
                    if (!cur.file().equals(next.file())) {
                        LOG.info("flow '{}' moved from {} to {} (version {} -> {}); handled as a removal plus an "
                                + "addition, its watermark is kept", next.id(), cur.file(), next.file(),
                                cur.version(), next.version());
                    } else {
                        LOG.info("flow '{}' replaced from {} (version {} -> {}){}{}", next.id(), next.file(),
                                cur.version(), next.version(), sinceWritten(next.file()),
                                running ? "; the run in progress finishes under version " + cur.version() : "");
                    }
                }
            } catch (Exception ex) {
                LOG.error("flow '{}' from {}: cannot start its routes: {}", next.id(), next.file(), ex.getMessage());
                extra.computeIfAbsent(next.file(), k -> new ArrayList<>()).add(new Problem(Severity.ERROR,
                        next.file(), 1, 1, "triggers", "cannot start the flow's routes: " + ex.getMessage()));
            }
        }

        catalogue = set.destinations();
        catalogueLogged.keySet().retainAll(catalogue.stream().map(FileOutcome::file).toList());
        for (FileOutcome c : catalogue) {
            String key = c.version() + c.problems();
            if (!c.problems().isEmpty() && !key.equals(catalogueLogged.get(c.file()))) {
                LOG.warn("{} ({} problem(s)){}:\n  {}", c.file(), c.problems().size(), c.hasErrors()
                        ? "; flows that use destination '" + c.flowId() + "' keep their last good version" : "",
                        String.join("\n  ", c.problems().stream().map(Problem::toString).toList()));
            }
            catalogueLogged.put(c.file(), key);
        }
        Instant recheck = live.sweep() ? now.plusSeconds(1) : null;
        for (FileOutcome o : outcomes.values()) {
            List<Problem> problems = new ArrayList<>(o.problems());
            problems.addAll(extra.getOrDefault(o.file(), List.of()));
            Flow active = activeFrom(o.file());
            String applied = results.get(o.file());
            FlowFileStatus before = status.get(o.file());
            if (applied == null && before != null && active != null
                    && active.version().equals(before.activeVersion())
                    && ("added".equals(before.result()) || "replaced".equals(before.result()))) {
                applied = before.result(); // the last change applied stays the answer until the next one
            }
            String result = result(o, active, problems, applied);
            status.put(o.file(), new FlowFileStatus(o.file(), o.version(), o.flowId(),
                    active != null ? active.id() : null, active != null ? active.version() : null, result,
                    problems, now));
            Instant due = logOnce(o, problems, active, now);
            if (due != null && (recheck == null || due.isBefore(recheck))) {
                recheck = due;
            }
        }
        return recheck;
    }

    /** The status of every flow file, sorted by file name. Thread-safe. */
    public List<FlowFileStatus> status() {
        return status.values().stream().sorted(Comparator.comparing(s -> s.file().getFileName().toString()))
                .toList();
    }

    /** The destination catalogue's files as last loaded: entry name, version, problems. Thread-safe. */
    public List<FileOutcome> catalogue() {
        return catalogue;
    }

    /** Gives each flow id to one file; the losers get an error naming the winner. */
    private Map<String, Flow> claim(Map<Path, Flow> desired, Map<Path, List<Problem>> extra) {
        Map<String, Flow> byId = new LinkedHashMap<>();
        for (Flow f : desired.values()) {
            if (!f.isExport()) {
                continue;
            }
            Flow other = byId.get(f.id());
            if (other == null) {
                byId.put(f.id(), f);
                continue;
            }
            Flow cur = live.current(f.id());
            boolean keepOther = cur == null || cur.file().equals(other.file()) || !cur.file().equals(f.file());
            Flow winner = keepOther ? other : f;
            Flow loser = keepOther ? f : other;
            byId.put(f.id(), winner);
            extra.computeIfAbsent(loser.file(), k -> new ArrayList<>()).add(new Problem(Severity.ERROR,
                    loser.file(), 1, 1, "id", "flow id '" + f.id() + "' is in force from " + winner.file()
                            + " (its last good version); give this file another id, or fix or remove the other"));
        }
        return byId;
    }

    private Flow activeFrom(Path file) {
        for (Flow f : live.all()) {
            if (f.file().equals(file)) {
                return f;
            }
        }
        return null;
    }

    private boolean isRunning(Flow f) {
        return live.isRunning(f.id());
    }

    private static String result(FileOutcome o, Flow active, List<Problem> problems, String applied) {
        boolean errors = problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        if (errors) {
            return active != null ? "kept last good version" : "not loaded";
        }
        if (o.flow() != null && !o.flow().isExport()) {
            return "not an export flow";
        }
        return Objects.requireNonNullElse(applied, "unchanged");
    }

    /** Logs a file's problems once per version; returns when to recheck a file that is still settling. */
    private Instant logOnce(FileOutcome o, List<Problem> problems, Flow active, Instant now) {
        String key = o.version() + problems;
        if (problems.isEmpty()) {
            logged.remove(o.file());
            return null;
        }
        if (key.equals(logged.get(o.file()))) {
            return null;
        }
        Instant settled = modified(o.file()).plus(settle);
        boolean errors = problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        if (errors && settled.isAfter(now)) {
            return settled;
        }
        logged.put(o.file(), key);
        String consequence = !errors ? "" : active != null
                ? "; version " + active.version() + " stays in force until the file is fixed"
                : "; the flow is not loaded until the file is fixed";
        LOG.warn("{} ({} problem(s)){}:\n  {}", o.file(), problems.size(), consequence,
                String.join("\n  ", problems.stream().map(Problem::toString).toList()));
        return null;
    }

    /**
     * How long after its last write a file's version came into force, for files written while the runner runs and
     * in the last minute; nothing for a file written before the start (e.g. moved in with its old time), whose
     * write says nothing about the reload.
     */
    private String sinceWritten(Path file) {
        Instant written = modified(file);
        long ms = Duration.between(written, Instant.now()).toMillis();
        return !written.isBefore(startedAt) && ms >= 0 && ms < 60_000
                ? "; in force " + ms + " ms after the file was written" : "";
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static String describeTriggers(Flow f) {
        List<String> enabled = f.triggers().stream().filter(t -> t.enabled())
                .map(t -> t.id() + " " + switch (t.type()) {
                    case SCHEDULE -> "cron '" + t.schedule() + "' " + t.timezone().getId();
                    case INTERVAL -> "every " + t.everyText();
                }).toList();
        return enabled.isEmpty() ? "no enabled trigger; runs only when asked" : "triggers: " + enabled;
    }
}
