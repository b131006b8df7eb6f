package io.flowexport.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.flow.IfExists;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a publish does with a file that already has the target's name, on a real directory: nothing there, the
 * same bytes, other bytes (of another size, or of the same size), under each {@code if_exists}.
 */
class FileDestinationTest {

    @TempDir
    Path dir;

    private final List<Path> renamed = new ArrayList<>();
    private FileDestination files;

    @BeforeEach
    void setUp() {
        files = new FileDestination(dir, (flow, target) -> renamed.add(target));
    }

    private Path staged(String content) throws IOException {
        return Files.writeString(files.stage("out/o.csv", "f", "r" + renamed.size() + System.nanoTime()), content);
    }

    private Path target(String content) throws IOException {
        Path t = dir.resolve("out/o.csv");
        Files.createDirectories(t.getParent());
        Files.writeString(t, content);
        Files.setLastModifiedTime(t, FileTime.fromMillis(1_000_000_000_000L));
        return t;
    }

    @ParameterizedTest
    @EnumSource(IfExists.class)
    void aFreeNameGetsTheFile(IfExists rule) throws IOException {
        Path staged = staged("id\n1\n");
        Published p = files.publish(staged, "out/o.csv", "f", rule);
        assertThat(p.outcome()).isEqualTo(Published.Outcome.CREATED);
        assertThat(p.detail()).isEqualTo("published");
        assertThat(p.path()).hasContent("id\n1\n");
        assertThat(staged).doesNotExist();
        assertThat(renamed).containsExactly(p.path());
    }

    @Test
    void failLeavesTheSameBytesAsTheyAre() throws IOException {
        Path t = target("id\n1\n");
        Path staged = staged("id\n1\n");
        Published p = files.publish(staged, "out/o.csv", "f", IfExists.FAIL);
        assertThat(p.outcome()).isEqualTo(Published.Outcome.UNCHANGED);
        assertThat(p.detail()).isEqualTo("already there with the same 5 bytes; left as it was");
        assertThat(t).hasContent("id\n1\n");
        assertThat(Files.getLastModifiedTime(t).toMillis()).as("not written again").isEqualTo(1_000_000_000_000L);
        assertThat(staged).doesNotExist();
        assertThat(renamed).isEmpty();
    }

    @Test
    void overwriteReplacesWithoutReadingTheExistingFile() throws IOException {
        Path t = target("id\n1\n");
        Published p = files.publish(staged("id\n1\n"), "out/o.csv", "f", IfExists.OVERWRITE);
        assertThat(p.outcome()).as("the same bytes, replaced all the same").isEqualTo(Published.Outcome.REPLACED);
        assertThat(Files.getLastModifiedTime(t).toMillis()).isNotEqualTo(1_000_000_000_000L);
        assertThat(renamed).containsExactly(t);
    }

    @Test
    void failRefusesOtherContentAndLeavesBothFiles() throws IOException {
        Path t = target("id\n1\n2\n3\n");
        Path staged = staged("id\n9\n");
        assertThatThrownBy(() -> files.publish(staged, "out/o.csv", "f", IfExists.FAIL))
                .isInstanceOfSatisfying(TargetExists.class, e -> {
                    assertThat(e.target()).isEqualTo(t);
                    assertThat(e.existingBytes()).isEqualTo(9);
                    assertThat(e.newBytes()).isEqualTo(5);
                    assertThat(e.getMessage()).isEqualTo(t + " already exists with other content (9 bytes there; "
                            + "this export: 5 bytes) and if_exists = \"fail\"");
                });
        assertThat(t).hasContent("id\n1\n2\n3\n");
        assertThat(Files.getLastModifiedTime(t).toMillis()).isEqualTo(1_000_000_000_000L);
        assertThat(staged).as("left for the caller to delete").hasContent("id\n9\n");
        assertThat(renamed).isEmpty();
    }

    @Test
    void theSameSizeWithOtherBytesIsOtherContent() throws IOException {
        Path t = target("id\n1\n");
        assertThatThrownBy(() -> files.publish(staged("id\n2\n"), "out/o.csv", "f", IfExists.FAIL))
                .isInstanceOf(TargetExists.class);
        assertThat(t).hasContent("id\n1\n");
    }

    @Test
    void bytesFarBeyondTheFirstBufferAreCompared() throws IOException {
        String big = "x".repeat(300_000);
        Path t = target(big + "a");
        assertThatThrownBy(() -> files.publish(staged(big + "b"), "out/o.csv", "f", IfExists.FAIL))
                .isInstanceOf(TargetExists.class);
        assertThat(files.publish(staged(big + "a"), "out/o.csv", "f", IfExists.FAIL).outcome())
                .isEqualTo(Published.Outcome.UNCHANGED);
        assertThat(t).hasSize(300_001);
    }

    @Test
    void existingSaysWhatHasTheName() throws IOException {
        assertThat(files.existing(null, "out/o.csv")).isEmpty();
        target("id\n1\n");
        assertThat(files.existing(null, "out/o.csv")).hasValueSatisfying(e -> {
            assertThat(e.bytes()).isEqualTo(5);
            assertThat(e.same()).isFalse();
        });
        assertThat(files.existing(staged("id\n1\n"), "out/o.csv")).hasValueSatisfying(e -> assertThat(e.same()).isTrue());
        assertThat(files.existing(staged("id\n2\n"), "out/o.csv")).hasValueSatisfying(e -> assertThat(e.same()).isFalse());
        Files.createDirectories(dir.resolve("out/d.csv"));
        assertThat(files.existing(null, "out/d.csv")).as("a directory is not a file of the name").isEmpty();
    }

    @Test
    void theShortFormReplacesAsBefore() throws IOException {
        Path t = target("old");
        assertThat(files.publish(staged("new"), "out/o.csv")).isEqualTo(t);
        assertThat(t).hasContent("new");
    }
}
