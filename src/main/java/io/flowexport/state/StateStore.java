package io.flowexport.state;

import java.util.OptionalLong;

/**
 * Where flows remember how far they exported: one watermark per flow, the highest {@code xt_batch_id} a run of
 * the flow published. Implementations are safe for concurrent use by different flows.
 */
public interface StateStore extends AutoCloseable {

    /**
     * The flow's watermark for a dataset.
     *
     * @param flowId    the flow
     * @param datasetId the dataset the flow reads now; a watermark recorded for another dataset (the flow's
     *                  {@code source_dataset_id} was changed) does not apply, so the flow starts afresh
     * @return the highest batch published, or empty when the flow has never published from this dataset
     * @throws StateStoreException when the store cannot be read
     */
    OptionalLong watermark(String flowId, String datasetId);

    /**
     * Moves the flow's watermark to {@code batchId}, after its file was published.
     *
     * @param flowId    the flow
     * @param datasetId the dataset the batch belongs to (kept for operators)
     * @param batchId   the highest batch of the published export
     * @param runId     the run that published it
     * @throws StateStoreException when the store cannot be written; the watermark is then unchanged
     */
    void commitWatermark(String flowId, String datasetId, long batchId, String runId);

    /**
     * The flow's delivery still owed to some destinations, if any (see {@link PendingDelivery}).
     *
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Optional<PendingDelivery> pending(String flowId);

    /**
     * Records (or replaces) the flow's pending delivery.
     *
     * @throws StateStoreException when the store cannot be written
     */
    void savePending(PendingDelivery pending);

    /**
     * Forgets the flow's pending delivery of run {@code runId}: every destination has the file.
     *
     * @throws StateStoreException when the store cannot be written
     */
    void deletePending(String flowId, String runId);

    @Override
    void close();
}
