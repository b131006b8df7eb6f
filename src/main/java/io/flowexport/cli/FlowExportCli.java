package io.flowexport.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code java -jar flow-export.jar <command>}. Commands: run, run-once, validate, plan, check,
 * routes, status, history, state. Exit codes: 0 success; 1 a flow failed, is invalid or unknown; 2 bad usage
 * (also no command at all: a short usage is printed) or settings.
 */
@Command(name = "flow-export", mixinStandardHelpOptions = true, versionProvider = FlowExportCli.Version.class,
        description = "Runs push exports described as TOML flows: database dataset -> CSV, JSON, JSONL or Parquet.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "flow-export COMMAND --help describes a command and its options.",
                "Exit codes: 0 done; 1 a flow failed, is invalid or unknown; 2 bad usage or settings."},
        subcommands = {RunCommand.class, RunOnceCommand.class, ValidateCommand.class, PlanCommand.class, CheckCommand.class,
                RoutesCommand.class,
                StatusCommand.class, HistoryCommand.class, StateCommand.class,
                CommandLine.HelpCommand.class})
public final class FlowExportCli implements Callable<Integer> {

    /** picocli's exit code for usage errors, also used when no command is given. */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    private FlowExportCli() {
    }

    /** Entry point; exits with the command's exit code. */
    public static void main(String[] args) {
        try {
            io.flowexport.app.LibDirectory.install(System.getenv());
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests and embedding). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with the given output streams and returns its exit code.
     *
     * @param out command output (run-once lines, plan, validate, --help, --version)
     * @param err problems and errors; the usage when no command is given
     * @return the command's exit code; {@value #USAGE} for bad usage (no command, an unknown option)
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new FlowExportCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + io.flowexport.flow.Secrets.redact(e.getMessage()));
            return 2;
        });
        return cl.execute(args);
    }

    /** No command: the short usage (one line per command) on stderr, exit code {@value #USAGE}. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("name a command, e.g. flow-export run-once --all");
        spec.commandLine().usage(err);
        err.flush();
        return USAGE;
    }

    /**
     * The version: {@code flow-export <Implementation-Version>} from the jar's manifest (the Maven project's
     * version, e.g. {@code flow-export 0.1.0-SNAPSHOT}), or {@code flow-export (development build)} when the
     * classes do not come from a packaged jar.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlowExportCli.class.getPackage().getImplementationVersion();
            return new String[] {"flow-export " + (v == null ? "(development build)" : v)};
        }
    }
}
