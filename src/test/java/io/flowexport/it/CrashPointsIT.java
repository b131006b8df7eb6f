package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.it.CrashLedger.Format;
import io.flowexport.it.CrashLedger.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The named crash points ({@code -Dflowexport.crash.at=<stage>}, see {@link CrashPointListener}) of the
 * packaged runner: for each stage ({@code after-write}, {@code during-rename}, {@code after-publish},
 * {@code before-commit}) and for a file-only flow (CSV) and a file + HTTP flow (JSON Lines), a {@code run-once}
 * in a child JVM halts at the stage (exit 137) while exporting batches 3..4 above watermark 2. Then: no partial
 * file is visible and the watermark has not moved; a new batch 5 arrives; the re-run publishes the crashed
 * attempt's batches again under the SAME file name and the SAME Idempotency-Keys (where the crashed attempt had
 * published something), never a wider range under a new name; the run after it exports batch 5 alone. At the end
 * every source row is in every destination, and a row published twice is only ever under the same name or key.
 */
class CrashPointsIT {

    private static final Pattern RUN_LINE = Pattern.compile("points +(ok|nothing new) +rows=\\d+ bytes=\\d+ "
            + "file=(\\S+) batches=(\\S+)");

    @TempDir
    Path tmp;

    static Stream<Arguments> stages() {
        List<Arguments> all = new ArrayList<>();
        for (String stage : List.of("after-write", "during-rename", "after-publish", "before-commit")) {
            all.add(Arguments.of(stage, false));
            all.add(Arguments.of(stage, true));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "crash at {0}, http destination too: {1}")
    @MethodSource("stages")
    void theRunAfterACrashPublishesTheSameNamesAndKeysAndTheNextOneTheNewBatch(String stage, boolean withHttp)
            throws Exception {
        Harness h = Harness.postgres(tmp, "crash_points_" + stage.replace('-', '_') + (withHttp ? "_http" : ""));
        String ext = withHttp ? "jsonl" : "csv";
        Format format = withHttp ? Format.JSONL : Format.CSV;
        List<Target> targets = new ArrayList<>(List.of(new Target("points", "file", false, "points", format, true)));
        if (withHttp) {
            targets.add(new Target("points", "ingest", true, "/points/", format, true));
        }
        try (RecordingHttpServer http = new RecordingHttpServer();
             SourceBatches source = new SourceBatches(h, "feed", new Random(stage.hashCode()), 20, 60);
             CrashLedger ledger = new CrashLedger(h.exportDir, http, source, targets)) {
            h.flow("points", "id = \"points\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                    + "export_mode = \"incremental\"\nfile_path = \"points/{batch_id}." + ext + "\"\n"
                    + (withHttp ? "[properties.export.destination]\ntype = \"http\"\nname = \"ingest\"\n"
                    + "url = \"" + http.base() + "/points/{batch_id}\"\n" : ""));
            source.write();
            source.write();
            assertThat(line(h.cli("run-once", "points").ok())).containsExactly("ok", "points/2." + ext, "1..2");
            assertThat(h.watermark("points")).isEqualTo(OptionalLong.of(2));
            source.write();
            source.write();
            Set<String> filesBefore = visibleFiles(h);
            int requestsBefore = http.received().size();

            String crashLog;
            try (ChildJvm crashed = ChildJvm.start(h, h.dir.resolve("crash.log"),
                    List.of("flowexport.crash.at=" + stage, "flowexport.crash.flow=points"), "run-once", "points")) {
                assertThat(crashed.exitCode()).as("exit code; log:%n%s", crashed.log()).isEqualTo(137);
                crashLog = crashed.log();
            }
            assertThat(crashLog).contains("crash point " + stage + " reached by flow 'points'");
            Files.deleteIfExists(h.dir.resolve("state.lock.db")); // the crashed JVM's; H2 takes 4 s to see it is stale
            assertThat(h.watermark("points")).as("watermark after the crash").isEqualTo(OptionalLong.of(2));
            ledger.check(Map.of("points", 2L), "after the crash at " + stage);
            Set<String> crashedNames = new TreeSet<>(visibleFiles(h));
            crashedNames.removeAll(filesBefore);
            Set<String> crashedKeys = keys(http.received().subList(requestsBefore, http.received().size()));
            boolean published = !stage.equals("after-write");
            assertThat(crashedNames).as("files the crashed attempt published")
                    .isEqualTo(published ? Set.of("points/4." + ext) : Set.of());
            assertThat(crashedKeys).as("Idempotency-Keys the crashed attempt sent (HTTP goes before files)")
                    .hasSize(withHttp && published ? 1 : 0);

            source.write();
            int requestsAtRerun = http.received().size();
            List<String> rerun = line(h.cli("run-once", "points").ok());
            Set<String> rerunKeys = keys(http.received().subList(requestsAtRerun, http.received().size()));
            long afterRerun = h.watermark("points").orElseThrow();
            System.out.printf("%s, http %s: crashed attempt published %s, keys %s; re-run: %s, keys %s%n", stage,
                    withHttp, crashedNames, crashedKeys, rerun, rerunKeys);
            if (published) {
                assertThat(rerun).as("the re-run publishes the crashed attempt's batches under the same name")
                        .containsExactly("ok", "points/4." + ext, "3..4");
                assertThat(rerunKeys).as("the re-run's Idempotency-Keys").isSubsetOf(crashedKeys);
                assertThat(afterRerun).isEqualTo(4);
            } else {
                assertThat(rerun.get(0)).isEqualTo("ok");
                assertThat(rerun.get(2)).as("the re-run's batches").isIn("3..4", "3..5");
                assertThat(afterRerun).isEqualTo(rerun.get(2).equals("3..4") ? 4 : 5);
            }
            assertThat(tempFiles(h)).as("temporary files after the re-run's start removed the crash's").isEmpty();
            ledger.check(Map.of("points", afterRerun), "after the re-run");

            List<String> next = line(h.cli("run-once", "points").ok());
            if (afterRerun == 4) {
                assertThat(next).as("the run after the re-run").containsExactly("ok", "points/5." + ext, "5");
            } else {
                assertThat(next.get(0)).isEqualTo("nothing new");
            }
            assertThat(h.watermark("points")).isEqualTo(OptionalLong.of(5));
            ledger.check(Map.of("points", 5L), "at the end");
            for (CrashLedger.Totals t : ledger.totals()) {
                System.out.printf("%s, http %s: %s rows %d, lost %d, duplicates %d %s, deduped re-sends %d%n", stage,
                        withHttp, t.target().label(), t.rowsPresent(), t.rowsLost(), t.duplicates(), t.examples(),
                        t.deduped());
                assertThat(t.rowsLost()).as("rows lost at %s", t.target().label()).isZero();
                assertThat(t.duplicates()).as("rows published under two names or keys at %s: %s",
                        t.target().label(), t.examples()).isZero();
            }
        }
    }

    /** {status, file, batches} of the flow's {@code run-once} line. */
    private static List<String> line(Harness.Outcome o) {
        Matcher m = RUN_LINE.matcher(o.out());
        assertThat(m.find()).as("a run line in:%n%s%n%s", o.out(), o.err()).isTrue();
        return List.of(m.group(1), m.group(2), m.group(3));
    }

    /** Files under the export directory outside hidden directories, hidden names excluded. */
    private static Set<String> visibleFiles(Harness h) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String f : h.files()) {
            if (Stream.of(f.split("/")).noneMatch(s -> s.startsWith("."))) {
                out.add(f);
            }
        }
        return out;
    }

    /** The runner's temporary files anywhere under the export directory (a pending delivery's file is not one). */
    private static List<String> tempFiles(Harness h) throws IOException {
        return h.files().stream().filter(f -> f.endsWith(".tmp")).toList();
    }

    private static Set<String> keys(List<RecordingHttpServer.Received> requests) {
        Set<String> out = new TreeSet<>();
        requests.forEach(r -> out.add(r.idempotencyKey()));
        return out;
    }
}
