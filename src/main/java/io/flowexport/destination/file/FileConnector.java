package io.flowexport.destination.file;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.FileFaults;
import io.flowexport.destination.Published;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.TargetExists;
import io.flowexport.destination.spi.Connector;
import io.flowexport.flow.PathTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * File destinations of flows with several destinations: the staged file (in the work directory) is copied next to
 * the target as a hidden temporary file, then published by {@link FileDestination#publish} (fsync, atomic rename),
 * which does with a file of the target's name what the shipment's {@link Shipment#ifExists()} says: replace it,
 * or keep it (a failed delivery) unless it holds the same bytes (then it is left as it is). A flow whose only
 * destination is a file stages beside it and is renamed without a copy (see the runner).
 */
public final class FileConnector implements Connector<FileSpec> {

    private final FileDestination files;

    /** @param files the export directory's publisher */
    public FileConnector(FileDestination files) {
        this.files = files;
    }

    @Override
    public Delivered deliver(Shipment s, FileSpec d, int startChunk) {
        String relative = new PathTemplate(d.path()).render(s.values());
        Path temp = null;
        try {
            temp = files.stage(d.path(), s.flowId(), s.runId() + "-" + d.name());
            try {
                Files.copy(s.file(), temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw FileFaults.explain("copy the export to", temp, e);
            }
            Published published = files.publish(temp, relative, s.flowId(), s.ifExists());
            return new Delivered(d.name(), FileSpec.TYPE, relative, true, 1, null, published.detail(),
                    published.path());
        } catch (TargetExists e) {
            deleteQuietly(temp);
            return new Delivered(d.name(), FileSpec.TYPE, relative, false, 0, null, e.getMessage() + ": it was "
                    + "left as it is; move or delete it, or set if_exists = \"overwrite\" in the flow to replace it",
                    null);
        } catch (IOException | IllegalArgumentException e) {
            deleteQuietly(temp);
            return new Delivered(d.name(), FileSpec.TYPE, relative, false, 0, null, "cannot publish "
                    + relative + (e instanceof FileFaults.Explained ? "" : " in " + files.exportDir()) + ": "
                    + e.getMessage(), null);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // removed with the other leftovers at the next start
            }
        }
    }

    @Override
    public String check(FileSpec d, Map<String, String> values) {
        try {
            Path dir = files.stagingDirectory(d.path());
            Files.createDirectories(dir);
            Path probe;
            try {
                probe = Files.createTempFile(dir, ".flowexport-check-", ".tmp");
            } catch (IOException e) {
                throw FileFaults.explain("create a file in", dir, e);
            }
            Files.delete(probe);
            return null;
        } catch (FileFaults.Explained e) {
            return e.getMessage();
        } catch (IOException | IllegalArgumentException e) {
            return "cannot write in the directory of " + d.path() + " under " + files.exportDir() + ": "
                    + e.getMessage() + "; create the directory and let the runner's user write to it";
        }
    }
}
