package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run-once's progress line: the packaged jar exports 3,000,000 PostgreSQL rows as JSON Lines (several seconds) once
 * under a pseudo-terminal ({@code script} of util-linux), where the line appears and is erased before the flow's
 * result line, and once with stdout and stderr in files, where nothing but today's output is printed.
 */
class ProgressIT {

    /**
     * Enough rows for a run clearly longer than the line's 2 s delay: 3,000,000 took 2.02 s on the binary COPY path
     * (2026-12-06), so the line could appear just as the run ended, never having seen a row.
     */
    private static final int ROWS = 6_000_000;
    private static final String SCHEMA = "fe_progress_it";
    private static final String RESULT = "big_jsonl +ok +rows=" + ROWS + " bytes=\\d+ file=big\\.jsonl batches=1\\.\\."
            + (1 + ROWS / 10_000) + " \\d+\\.\\d\\ds";

    @TempDir
    static Path tmp;

    static Harness h;

    @BeforeAll
    static void load() throws Exception {
        h = Harness.postgres(tmp, SCHEMA);
        h.sql("CREATE TABLE big (id bigint PRIMARY KEY, note text NOT NULL, xt_batch_id bigint NOT NULL)",
                "INSERT INTO big SELECT g, 'note ' || md5(g::text), 1 + g / 10000 "
                        + "FROM generate_series(1::bigint, " + ROWS + ") AS g",
                "ANALYZE big");
        h.flow("big", "id = \"big_jsonl\"\n[properties.export]\nsource_dataset_id = \"big\"\n"
                + "file_path = \"big.jsonl\"\n");
    }

    @Test
    void aTerminalShowsProgressAndErasesItBeforeTheResultLine() throws Exception {
        String screen = underTerminal();
        assertThat(screen).containsPattern("big_jsonl  rows=[1-9][0-9,]*  [0-9.]+ (B|KiB|MiB|GiB)  [0-9,]+ rows/s  "
                + "0:00:0[2-9]");
        // the line is erased (carriage return, erase to end of line) right before the result line
        assertThat(screen).containsPattern("\r\u001B\\[K" + RESULT);
    }

    @Test
    void noProgressOptionShowsNothingOnATerminal() throws Exception {
        String screen = underTerminal("--no-progress");
        assertThat(screen).doesNotContain("rows/s").doesNotContain("\u001B[K").containsPattern(RESULT);
    }

    @Test
    void withoutATerminalTheOutputIsAsBefore() throws Exception {
        Harness.Outcome o = PackagedJar.run(tmp, List.of(), Duration.ofMinutes(5), "run-once", "big_jsonl",
                "--flows", h.flows.toString(), "--config", h.config.toString());
        assertThat(o.code()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).matches(RESULT + "(  .*)?\n"); // an ok line may say the file was replaced
        assertThat(o.err()).doesNotContain("rows/s").doesNotContain("\r").doesNotContain("\u001B");
    }

    /** Runs the jar's run-once of the flow under {@code script -qec}: stdout and stderr on one pseudo-terminal. */
    private static String underTerminal(String... options) throws Exception {
        String command = String.join(" ", String.join(" ", PackagedJar.command(List.of())), "run-once", "big_jsonl",
                "--flows", h.flows.toString(), "--config", h.config.toString(), String.join(" ", options));
        Path screen = Files.createTempFile(tmp, "screen", ".txt");
        Process p = new ProcessBuilder("script", "-qec", command, "/dev/null").directory(tmp.toFile())
                .redirectErrorStream(true).redirectOutput(screen.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("run-once under script ended").isTrue();
        String text = Files.readString(screen, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
