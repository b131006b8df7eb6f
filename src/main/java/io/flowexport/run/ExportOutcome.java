package io.flowexport.run;

/**
 * What the export stage of a run ends with: a {@link Staged} file for the destinations, or
 * {@link NothingNew} (no file; the run is over).
 */
public sealed interface ExportOutcome permits Staged, ExportOutcome.NothingNew {

    /**
     * The run found nothing to publish (no new batches, or no rows for a {@code {batch_id}} name); its result is
     * final and nothing goes to the destinations.
     *
     * @param result the run's result, {@link RunStatus#NOTHING_NEW}
     */
    record NothingNew(RunResult result) implements ExportOutcome {
    }
}
