package io.flowexport.run;

/** How {@link ExportRunner#begin} went. */
public sealed interface Begun {

    /** The run began: it holds the flow's run slot until it is recorded. */
    record Started(FlowRun run) implements Begun {
    }

    /** No run began; {@code result} (status {@link RunStatus#SKIPPED}) says why and is reported once. */
    record Skipped(RunResult result) implements Begun {
    }

    /**
     * Another runner claimed this firing and runs it ({@code runnerId}, or null when this runner is stopping and
     * leaves it to the others): nothing is reported here.
     */
    record NotOurs(String runnerId) implements Begun {
    }
}
