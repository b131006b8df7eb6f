package io.flowexport.run;

import io.flowexport.destination.Delivered;
import io.flowexport.state.PendingDelivery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run's complete export file on its way to the flow's destinations: the body of the run's exchange between
 * the export stage and the commit stage. It is a handle on the file and its metadata, never rows. Immutable:
 * each delivery returns a new value ({@link #with}).
 *
 * @param prepared       what the run worked out before reading
 * @param file           the complete file: a staged file hidden from readers, or the kept file of a pending
 *                       delivery
 * @param bytes          the file's size in bytes
 * @param rows           rows in the file
 * @param firstBatch     the lowest batch id in the file, or null (full exports, no rows)
 * @param lastBatch      the highest batch id in the file, or null
 * @param values         placeholder values for names, URLs and keys ({@code batch_id} included when known)
 * @param publishedRunId the run id destinations see (the replayed or pending run's id when there is one)
 * @param redelivery     the pending delivery this run re-sends, or null for a fresh export
 * @param fileOnly       true when the flow's only destination is a file: the staged file is renamed into place
 * @param deliveries     what each destination did so far, in delivery order
 */
public record Staged(Prepared prepared, Path file, long bytes, long rows, Long firstBatch, Long lastBatch,
                     Map<String, String> values, String publishedRunId, PendingDelivery redelivery, boolean fileOnly,
                     List<Delivered> deliveries) implements ExportOutcome {

    public Staged {
        values = Map.copyOf(values);
        deliveries = List.copyOf(deliveries);
    }

    /** This value with one more destination's result. */
    public Staged with(Delivered delivered) {
        List<Delivered> all = new ArrayList<>(deliveries);
        all.add(delivered);
        return new Staged(prepared, file, bytes, rows, firstBatch, lastBatch, values, publishedRunId, redelivery,
                fileOnly, all);
    }

    /** True when destination {@code name} should get the file: always for a fresh export; for a re-send, when
     * it was owed the file. */
    public boolean owes(String name) {
        return redelivery == null || redelivery.remaining().containsKey(name);
    }

    /** True when the run owns {@link #file} and deletes it on failure (not a pending delivery's kept file). */
    public boolean ownsFile() {
        return redelivery == null;
    }
}
