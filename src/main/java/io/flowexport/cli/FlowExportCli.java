package io.flowexport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code java -jar flow-export.jar <command>}. Commands: run, run-once, validate, plan, check, status.
 * Exit codes: 0 success, 1 a flow failed or is invalid, 2 bad usage or settings.
 */
@Command(name = "flow-export", mixinStandardHelpOptions = true, versionProvider = FlowExportCli.Version.class,
        description = "Runs push exports described as TOML flows: database dataset -> CSV, JSON, JSONL or Parquet.",
        subcommands = {RunCommand.class, RunOnceCommand.class, ValidateCommand.class, PlanCommand.class, CheckCommand.class,
                RoutesCommand.class,
                StatusCommand.class, HistoryCommand.class, StateCommand.class,
                CommandLine.HelpCommand.class})
public final class FlowExportCli {

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
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /**
     * Runs the command line with the given output streams and returns its exit code.
     *
     * @param out command output (run-once lines, plan, validate)
     * @param err problems and errors
     */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new FlowExportCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + io.flowexport.flow.Secrets.redact(e.getMessage()));
            return 2;
        });
        return cl.execute(args);
    }

    /** Prints the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlowExportCli.class.getPackage().getImplementationVersion();
            return new String[] {"flow-export " + (v == null ? "(development build)" : v)};
        }
    }
}
