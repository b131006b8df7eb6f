package io.flowexport.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged runner ({@code java -cp target/flow-export.jar:target/test-classes ... <command>}) in a child JVM
 * (the test classes bring {@link CrashPointListener}) that the crash tests
 * can SIGKILL ({@link Process#destroyForcibly()} on Linux) at any moment. Stdout and stderr go to one log file.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -Xmx256m -D<sysProps>... -cp target/flow-export.jar:target/test-classes FlowExportCli <command> --flows ... --destinations
     * ... --config ... <args>} on the harness's directories.
     *
     * @param log      where the child's stdout and stderr go
     * @param sysProps {@code name=value} settings passed as {@code -D}
     */
    static ChildJvm start(Harness h, Path log, List<String> sysProps, String command, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(PackagedJar.archiveOptions()); // the jar leads the class path: its archive serves
        cmd.add("-Xmx256m");
        sysProps.forEach(p -> cmd.add("-D" + p));
        // the test classes come after the runner's jar: they bring the crash tests' RunListener (CrashPointListener)
        cmd.addAll(List.of("-cp", PackagedJar.JAR + File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath(), "io.flowexport.cli.FlowExportCli", command,
                "--flows", h.flows.toString(), "--destinations", h.dir.resolve("destinations").toString(),
                "--config", h.config.toString()));
        if (command.equals("run")) {
            cmd.addAll(List.of("--routes", Files.createDirectories(h.dir.resolve("routes")).toString()));
        }
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(p, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The child's process id (for signals other than SIGKILL and SIGTERM, e.g. SIGSTOP). */
    long pid() {
        return process.pid();
    }

    /** Waits up to {@code timeout} for the process to end; true when it did. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits up to 2 minutes for the process to end and returns its exit code. */
    int exitCode() throws InterruptedException {
        if (!waitFor(Duration.ofMinutes(2))) {
            process.destroyForcibly();
            throw new IllegalStateException("the child JVM did not end within 2 minutes; log: " + log);
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no finally, no flush. Returns the exit code (137). */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return exitCode();
    }

    /** SIGTERM: a graceful stop. Returns the exit code (143). */
    int stop() throws InterruptedException {
        process.destroy();
        return exitCode();
    }

    /** Everything the child printed so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the child if it still runs and keeps its log under {@code target/it-logs/}. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Path keep = Files.createDirectories(Path.of("target", "it-logs"));
        Files.copy(log, keep.resolve(log.getParent().getFileName() + "-" + log.getFileName()),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
