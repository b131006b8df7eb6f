package io.flowexport.destination.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.Shipment;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.IfExists;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file destination of a flow with several destinations, when a file has its target's name as the copy is
 * published (after the run's own check): the shipment's if_exists decides, and a refusal is a failed delivery that
 * says what to do, with nothing left behind.
 */
class FileConnectorTest {

    @TempDir
    Path dir;

    private Delivered deliver(IfExists rule, String content) throws IOException {
        Path staged = Files.writeString(Files.createDirectories(dir.resolve("work")).resolve("staged.csv"), content);
        Shipment s = new Shipment("orders", "r1", staged, FileFormat.CSV, false, Map.of("batch_id", "44"), "43..44",
                "batches 43..44", () -> false, "orders", ExportMode.INCREMENTAL, 1, 43L, 44L, List.of(), null, rule);
        return new FileConnector(new FileDestination(dir.resolve("out")))
                .deliver(s, new FileSpec("mirror", null, "m/o_{batch_id}.csv"), 0);
    }

    private Path existing(String content) throws IOException {
        return Files.writeString(Files.createDirectories(dir.resolve("out/m")).resolve("o_44.csv"), content);
    }

    private static List<Path> filesBeside(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target.getParent())) {
            return files.toList();
        }
    }

    @Test
    void failKeepsAFileWithOtherContentAndSaysWhatToDo() throws IOException {
        Path target = existing("id\n1\n2\n");
        Delivered d = deliver(IfExists.FAIL, "id\n3\n");
        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).isEqualTo(target + " already exists with other content (7 bytes there; this export: 5 "
                + "bytes) and if_exists = \"fail\": it was left as it is; move or delete it, or set if_exists = "
                + "\"overwrite\" in the flow to replace it");
        assertThat(target).hasContent("id\n1\n2\n");
        assertThat(filesBeside(target)).as("no copy left beside it").containsExactly(target);
    }

    @Test
    void failLeavesTheSameBytesAndDelivers() throws IOException {
        Path target = existing("id\n3\n");
        Delivered d = deliver(IfExists.FAIL, "id\n3\n");
        assertThat(d.ok()).isTrue();
        assertThat(d.published()).isEqualTo(target);
        assertThat(d.detail()).isEqualTo("already there with the same 5 bytes; left as it was");
        assertThat(filesBeside(target)).containsExactly(target);
    }

    @Test
    void overwriteReplaces() throws IOException {
        Path target = existing("id\n1\n2\n");
        Delivered d = deliver(IfExists.OVERWRITE, "id\n3\n");
        assertThat(d.ok()).isTrue();
        assertThat(d.detail()).isEqualTo("replaced an existing file of 7 bytes");
        assertThat(target).hasContent("id\n3\n");
    }

    @Test
    void aFreeNameIsPublished() throws IOException {
        Delivered d = deliver(IfExists.FAIL, "id\n3\n");
        assertThat(d.ok()).isTrue();
        assertThat(d.detail()).isEqualTo("published");
        assertThat(dir.resolve("out/m/o_44.csv")).hasContent("id\n3\n");
    }
}
