package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged jar ({@code target/flow-export.jar}, built by {@code package} before the integration tests)
 * with {@code java [jvm options] -jar} in a child JVM, as a user would, and finds jars of the test class path to
 * put in a {@code lib/} directory.
 */
public final class PackagedJar {

    /** The packaged jar, {@code target/flow-export.jar}, by its absolute path. */
    static final Path JAR = Path.of("target", "flow-export.jar").toAbsolutePath();
    /** The class data sharing archive {@code mvn package} makes beside it (absent with {@code -DskipCds}). */
    private static final Path ARCHIVE = Path.of("target", "flow-export.jsa").toAbsolutePath();

    private PackagedJar() {
    }

    /**
     * The JVM options that map the class data sharing archive, as {@code bin/flow-export} gives them; empty when
     * {@code mvn package} made none. They also serve a class path that starts with the jar
     * ({@code -cp target/flow-export.jar:target/test-classes}); with any other, or a stale archive, the JVM
     * starts without it and says nothing.
     */
    static List<String> archiveOptions() {
        return Files.isRegularFile(ARCHIVE) ? List.of("-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:auto",
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off") : List.of();
    }

    /**
     * {@code java [archive options] <jvm> -jar <absolute path of target/flow-export.jar>}, the way
     * {@code bin/flow-export} starts the jar: with the class data sharing archive when {@code mvn package} made it
     * ({@code -XX:SharedArchiveFile=... -Xshare:auto}, its logs off), which only shortens the JVM's start. The
     * command's arguments go after it; the list is mutable.
     *
     * @param jvm JVM options, e.g. {@code -Xmx256m}
     */
    static List<String> command(List<String> jvm) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(archiveOptions());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", JAR.toString()));
        return cmd;
    }

    /**
     * Runs {@code java <jvm> -jar target/flow-export.jar <args>} in {@code workDir} without
     * {@code FLOWEXPORT_LIB_DIR}, so {@code lib/} is {@code workDir/lib}; stdout and stderr are kept apart in
     * files under {@code workDir}.
     *
     * @param workDir the working directory
     * @param jvm     JVM options, e.g. {@code -Xmx256m}
     * @param timeout how long the run may take
     * @param args    the command line
     * @return the exit code, stdout and stderr
     * @throws AssertionError when the jar is missing or the run does not end in time
     */
    public static Harness.Outcome run(Path workDir, List<String> jvm, java.time.Duration timeout, String... args)
            throws IOException, InterruptedException {
        assertThat(JAR).exists();
        List<String> cmd = command(jvm);
        cmd.addAll(List.of(args));
        long n = System.nanoTime();
        Path out = workDir.resolve("jar-out-" + n + ".txt");
        Path err = workDir.resolve("jar-err-" + n + ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("FLOWEXPORT_LIB_DIR");
        Process p = pb.start();
        assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("the jar's run ended").isTrue();
        return new Harness.Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * {@code run-once FLOW_ID} of the harness's flows in a JVM with a 256 MB heap that exits on
     * OutOfMemoryError, and asserts that it succeeded with {@code rows}.
     */
    public static void runOnceInA256MbHeap(Harness h, Path workDir, String flowId, long rows) throws Exception {
        Harness.Outcome o = run(workDir, List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                java.time.Duration.ofMinutes(10), "run-once", flowId, "--flows", h.flows.toString(), "--config",
                h.config.toString());
        assertThat(o.code()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("rows=" + rows);
    }

    /** The jar of the test class path whose file name starts with {@code prefix}, e.g. {@code camel-stream-}. */
    public static Path classPathJar(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith(prefix)) {
                return Path.of(entry);
            }
        }
        throw new AssertionError(prefix + "*.jar is not on the test class path");
    }
}
