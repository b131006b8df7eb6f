package io.flowexport.run;

import java.nio.file.Path;

/**
 * Told when a run reaches the moments between its stages where a crash matters most: for drills and crash tests
 * (a test wires one in to stop the JVM dead at a named moment), audits or metrics. Listeners run on the run's
 * thread and must return quickly; what they throw fails the run.
 *
 * <p>Found with {@link java.util.ServiceLoader} ({@code META-INF/services/io.flowexport.run.RunListener}) on the
 * runner's class path; production code installs none.
 */
public interface RunListener {

    /** The staged file is complete; nothing was recorded or delivered yet. */
    default void staged(FlowRun run, Path file) {
    }

    /**
     * A file destination's target was renamed into place, before its directory was synced and before the run
     * recorded anything.
     *
     * @param flowId the run's flow
     * @param target the published file
     */
    default void renamed(String flowId, Path target) {
    }

    /** Every destination has the file; the run has not recorded that yet. */
    default void delivered(FlowRun run) {
    }

    /** Just before the watermark moves in the state store. */
    default void committing(FlowRun run) {
    }

    /**
     * One destination of a run was given the run's file, with this outcome (also when it failed).
     *
     * @param run        the run
     * @param outcome    what the destination did
     * @param redelivery true when the file was owed to the destination by an earlier run (a pending delivery
     *                   taken up again)
     */
    default void deliveredTo(FlowRun run, io.flowexport.destination.Delivered outcome, boolean redelivery) {
    }

    /**
     * Reading the source failed in a transient way and the run will try again after a wait
     * ({@code flowexport.source.attempts}).
     *
     * @param run     the run
     * @param attempt the attempt that failed, from 1
     */
    default void sourceRetry(FlowRun run, int attempt) {
    }
}
