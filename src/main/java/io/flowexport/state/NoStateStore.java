package io.flowexport.state;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The state store of a command that only reads state ({@code validate}, {@code check}, {@code plan},
 * {@code history}, {@code state show}) when the embedded state database does not exist yet: nothing was ever
 * recorded, so every read finds nothing, and the command does not create the database to say so. Writes fail.
 *
 * @param file the state database's file that does not exist (absolute), for messages
 */
public record NoStateStore(Path file) implements StateStore {

    private StateStoreException readOnly() {
        return new StateStoreException("the state database " + file + " does not exist and this command only "
                + "reads state; run-once, run or state reset create it", null);
    }

    @Override
    public OptionalLong watermark(String flowId, String datasetId) {
        return OptionalLong.empty();
    }

    @Override
    public void commitWatermark(String flowId, String datasetId, long batchId, String runId, Fence fence) {
        throw readOnly();
    }

    @Override
    public Optional<PendingDelivery> pending(String flowId) {
        return Optional.empty();
    }

    @Override
    public void savePending(PendingDelivery pending, Fence fence) {
        throw readOnly();
    }

    @Override
    public void deletePending(String flowId, String runId, Fence fence) {
        throw readOnly();
    }

    @Override
    public Optional<Watermark> watermarkOf(String flowId) {
        return Optional.empty();
    }

    @Override
    public Optional<RunIntent> intent(String flowId) {
        return Optional.empty();
    }

    @Override
    public void saveIntent(RunIntent intent, Fence fence) {
        throw readOnly();
    }

    @Override
    public void deleteIntent(String flowId, Fence fence) {
        throw readOnly();
    }

    @Override
    public void recordRun(RunRecord run, Instant keepAfter, Fence release) {
        throw readOnly();
    }

    @Override
    public List<RunRecord> history(String flowId, boolean failedOnly, int last) {
        return List.of();
    }

    @Override
    public Optional<RunRecord> lastPublished(String flowId) {
        return Optional.empty();
    }

    @Override
    public Set<String> flowIds() {
        return Set.of();
    }

    @Override
    public void reset(String flowId, String datasetId, OptionalLong to, RunRecord record) {
        throw readOnly();
    }

    @Override
    public void close() {
    }
}
