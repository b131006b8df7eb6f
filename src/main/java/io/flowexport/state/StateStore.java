package io.flowexport.state;

import java.util.OptionalLong;

/**
 * Where flows remember how far they exported: one watermark per flow, the highest {@code xt_batch_id} a run of
 * the flow published; the delivery a run still owes some destinations ({@link PendingDelivery}); the run that
 * began publishing and was not recorded as done ({@link RunIntent}); and the run history ({@link RunRecord}).
 * Implementations are safe for concurrent use by different flows.
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
     * Moves the flow's watermark to {@code batchId}, after its file was published, and forgets the flow's run
     * intent (in the same transaction).
     *
     * @param flowId    the flow
     * @param datasetId the dataset the batch belongs to (kept for operators)
     * @param batchId   the highest batch of the published export
     * @param runId     the run that published it
     * @param fence     the run's lease, checked in the same transaction; null for a write outside a run
     * @throws StateStoreException when the store cannot be written, or {@link Fence.LeaseLostException} when the
     *                             run no longer holds the flow's lease; the watermark is then unchanged
     */
    void commitWatermark(String flowId, String datasetId, long batchId, String runId, Fence fence);

    /** {@link #commitWatermark(String, String, long, String, Fence)} outside a run (no fence). */
    default void commitWatermark(String flowId, String datasetId, long batchId, String runId) {
        commitWatermark(flowId, datasetId, batchId, runId, null);
    }

    /**
     * The flow's delivery still owed to some destinations, if any (see {@link PendingDelivery}).
     *
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Optional<PendingDelivery> pending(String flowId);

    /**
     * Records (or replaces) the flow's pending delivery, and forgets its run intent (in the same transaction).
     *
     * @param fence the run's lease, checked in the same transaction; null outside a run
     * @throws StateStoreException when the store cannot be written or the lease was lost
     */
    void savePending(PendingDelivery pending, Fence fence);

    /** {@link #savePending(PendingDelivery, Fence)} outside a run (no fence). */
    default void savePending(PendingDelivery pending) {
        savePending(pending, null);
    }

    /**
     * Forgets the flow's pending delivery of run {@code runId}: every destination has the file.
     *
     * @param fence the run's lease, checked in the same transaction; null outside a run
     * @throws StateStoreException when the store cannot be written or the lease was lost
     */
    void deletePending(String flowId, String runId, Fence fence);

    /** {@link #deletePending(String, String, Fence)} outside a run (no fence). */
    default void deletePending(String flowId, String runId) {
        deletePending(flowId, runId, null);
    }

    /**
     * The flow's watermark row, whatever dataset it was recorded for.
     *
     * @return the watermark, or empty when the flow never moved one
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Optional<Watermark> watermarkOf(String flowId);

    /**
     * The flow's run that began publishing and was not recorded as done (see {@link RunIntent}), if any.
     *
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Optional<RunIntent> intent(String flowId);

    /**
     * Records (or replaces) the flow's run intent, before its file reaches the first destination.
     *
     * @param fence the run's lease, checked in the same transaction; null outside a run
     * @throws StateStoreException when the store cannot be written or the lease was lost; the run must then not
     *                             publish
     */
    void saveIntent(RunIntent intent, Fence fence);

    /** {@link #saveIntent(RunIntent, Fence)} outside a run (no fence). */
    default void saveIntent(RunIntent intent) {
        saveIntent(intent, null);
    }

    /**
     * Forgets the flow's run intent: the run is recorded as done. {@link #commitWatermark} and
     * {@link #savePending} do this themselves, in the same transaction.
     *
     * @param fence the run's lease, checked in the same transaction; null outside a run
     * @throws StateStoreException when the store cannot be written or the lease was lost
     */
    void deleteIntent(String flowId, Fence fence);

    /** {@link #deleteIntent(String, Fence)} outside a run (no fence). */
    default void deleteIntent(String flowId) {
        deleteIntent(flowId, null);
    }

    /**
     * Adds a run to the run history and deletes the runs that finished before {@code keepAfter}.
     *
     * @param run       the run
     * @param keepAfter runs that finished before this are deleted (the history's retention); null keeps all
     * @param release   the run's lease: checked, then released, in the same transaction, so that the flow is free
     *                  for any runner once its run is recorded; null for a run that held none (a skipped one)
     * @throws StateStoreException when the store cannot be written, or {@link Fence.LeaseLostException} when the
     *                             run no longer holds the flow's lease (the run is then not recorded)
     */
    void recordRun(RunRecord run, java.time.Instant keepAfter, Fence release);

    /** {@link #recordRun(RunRecord, java.time.Instant, Fence)} for a run that held no lease. */
    default void recordRun(RunRecord run, java.time.Instant keepAfter) {
        recordRun(run, keepAfter, null);
    }

    /**
     * The run history, newest first.
     *
     * @param flowId     only this flow's runs, or null for every flow
     * @param failedOnly only failed runs
     * @param last       at most this many runs
     * @throws StateStoreException when the store cannot be read
     */
    java.util.List<RunRecord> history(String flowId, boolean failedOnly, int last);

    /**
     * The flow's newest run in the run history that published a file (status {@code ok}), if the history (kept
     * for {@code flowexport.history.retention}) has one.
     *
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Optional<RunRecord> lastPublished(String flowId);

    /**
     * The flows the store has any record of: a watermark, a pending delivery, a run intent or a run (or reset) in
     * the run history.
     *
     * @return the flow ids, sorted; empty when nothing was recorded
     * @throws StateStoreException when the store cannot be read
     */
    java.util.Set<String> flowIds();

    /**
     * Rewinds a flow, in one transaction: its watermark is set to {@code to} (or removed, so the next run starts
     * from the first batch), its pending delivery and run intent are forgotten, and {@code record} is added to
     * the run history.
     *
     * @param flowId    the flow
     * @param datasetId the dataset the watermark is for
     * @param to        the new watermark, or empty to remove it
     * @param record    the history entry of the reset (status {@code reset})
     * @throws StateStoreException when the store cannot be written; nothing is changed then
     */
    void reset(String flowId, String datasetId, OptionalLong to, RunRecord record);

    /**
     * A flow's watermark row.
     *
     * @param flowId    the flow
     * @param datasetId the dataset it was recorded for
     * @param batchId   the highest batch published
     * @param runId     the run that moved it (or the reset that set it)
     * @param updatedAt when (UTC, ISO-8601)
     */
    record Watermark(String flowId, String datasetId, long batchId, String runId, String updatedAt) {
    }

    @Override
    void close();
}
