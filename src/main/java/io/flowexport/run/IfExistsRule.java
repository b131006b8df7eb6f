package io.flowexport.run;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.FileFaults;
import io.flowexport.destination.Published;
import io.flowexport.destination.TargetExists;
import io.flowexport.destination.file.FileSpec;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.IfExists;
import io.flowexport.flow.PathTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a run applies its flow's {@code if_exists} to its file destinations: the rule in force for the run
 * ({@link #of}), the check before the run records its intent ({@link #refuseTakenNames}), the message of a refused
 * publish and what the run line says of a file that replaced another or was already there.
 */
final class IfExistsRule {

    private IfExistsRule() {
    }

    /**
     * With {@code if_exists = "fail"}, fails the run before it records its intent (so before any destination gets
     * the file) when a file destination's target exists with other content. A target that holds the staged file's
     * bytes is no conflict: publishing leaves it as it is.
     *
     * @param values the run's placeholder values, {@code batch_id} included
     * @param bytes  the staged file's size in bytes
     * @throws RunException when a target exists with other content, or cannot be read to compare it
     */
    static void refuseTakenNames(FileDestination files, FlowRun run, Prepared p, Path staged,
                                 Map<String, String> values, long bytes) {
        ExportSpec spec = run.flow.export();
        if (spec.fileIfExists() != IfExists.FAIL) {
            return;
        }
        for (FileSpec f : FileSpec.all(spec.destinations())) {
            String relative = new PathTemplate(f.path()).render(values);
            Optional<FileDestination.Existing> there;
            try {
                there = files.existing(staged, relative);
            } catch (IllegalArgumentException e) {
                continue; // the publish says what is wrong with the path
            } catch (IOException e) {
                throw new RunException("flow '" + run.flow.id() + "': " + relative + " already exists and cannot be "
                        + "compared with this export (if_exists = \"fail\" keeps it unless it holds the same bytes): "
                        + FileFaults.explain("read", files.resolve(relative), e).getMessage() + "; nothing was "
                        + "published" + watermarkStays(spec, p), e);
            }
            if (there.isPresent() && !there.get().same()) {
                throw new RunException(refused(run, p, new TargetExists(there.get().target(),
                        there.get().bytes(), bytes)), null);
            }
        }
    }

    /**
     * What the run's file destinations do with a target that exists with other content: the flow's
     * {@code if_exists}, except that a replay of the flow's own interrupted run replaces it. The interrupted run
     * made sure, before it recorded its intent, that each target was free or held its bytes
     * ({@link #refuseTakenNames}), so a file with other content there now is the one it published; the replay
     * reads the same batch range again and can get other bytes (a late batch that committed inside the range
     * since, rows without a key in another order), which must take the place of the interrupted run's file for
     * the run to complete. A re-sent pending delivery is no replay: it keeps the flow's rule.
     */
    static IfExists of(FlowRun run, Prepared p) {
        return p.replay() != null ? IfExists.OVERWRITE : run.flow.export().fileIfExists();
    }

    /** The message of a run whose file destination refused to replace an existing file. */
    static String refused(FlowRun run, Prepared p, TargetExists e) {
        ExportSpec spec = run.flow.export();
        String why = spec.ifExists() == null ? " (the default of export_mode \"" + spec.exportMode().toml() + "\")"
                : " (set in the flow)";
        return "flow '" + run.flow.id() + "': " + e.getMessage() + why + ", so it was left as it is; nothing was "
                + "published" + watermarkStays(spec, p) + "; move or delete that file (it holds an earlier export), or "
                + "set if_exists = \"overwrite\" in [properties.export] of " + run.flow.file() + " to replace it";
    }

    private static String watermarkStays(ExportSpec spec, Prepared p) {
        if (!spec.exportMode().usesWatermark()) {
            return "";
        }
        return p.watermark().isPresent() ? " and the watermark stays at batch " + p.watermark().getAsLong()
                : " and the flow still has no watermark";
    }

    /**
     * What the run line says of file destinations that did not simply publish: a file that replaced one with
     * other content, or a target that already held the file's bytes.
     */
    static String fileNotes(List<Delivered> deliveries) {
        return deliveries.stream().filter(d -> d.ok() && FileSpec.TYPE.equals(d.type())
                        && !Published.DETAIL.equals(d.detail()))
                .map(d -> d.target() + ": " + d.detail()).collect(Collectors.joining("; "));
    }
}
