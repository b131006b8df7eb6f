package io.flowexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line without a command, and its version (the packaged jar's: {@code FirstHourIT}). */
class FlowExportCliTest {

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void noCommandPrintsAShortUsageWithOneLinePerCommandAndExits2() {
        Outcome o = cli();
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).startsWith("name a command, e.g. flow-export run-once --all")
                .contains("Usage: flow-export [-hV] COMMAND")
                .contains("flow-export COMMAND --help describes a command and its options.");
        List<String> lines = o.err().lines().toList();
        for (String command : List.of("run", "run-once", "validate", "plan", "check", "routes", "status", "history",
                "state")) {
            assertThat(lines).as(command).filteredOn(l -> l.startsWith("  " + command + " ")).singleElement()
                    .satisfies(l -> assertThat(l).endsWith("."));
        }
        assertThat(lines).as("short: one line per command").hasSizeLessThan(30);
    }

    @Test
    void helpIsTheSameShortUsageOnStdoutWithExitCode0() {
        Outcome o = cli("--help");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("  run-once  Run flows now, one after the other; one line per flow.");
        assertThat(o.out().lines().count()).isLessThan(30);
    }

    @Test
    void aBuildWithoutManifestSaysSo() {
        // the classes of target/classes have no manifest; the packaged jar's version: FirstHourIT
        Outcome o = cli("--version");
        assertThat(o.code()).isZero();
        assertThat(o.out().strip()).isEqualTo("flow-export (development build)");
    }
}
