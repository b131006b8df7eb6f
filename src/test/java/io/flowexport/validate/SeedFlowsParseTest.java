package io.flowexport.validate;

import io.flowexport.diag.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.flow.FileFormat;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.FormatOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every verbatim example of the export-flow reference parses alone, without a database. */
class SeedFlowsParseTest {

    static Path seedDir() {
        Path relative = Path.of("..", "shared", "seed-flows");
        return Files.isDirectory(relative) ? relative : Path.of("/work/shared/seed-flows");
    }

    static Stream<Path> seeds() throws IOException {
        try (Stream<Path> list = Files.list(seedDir())) {
            List<Path> files = list.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
            assertThat(files).hasSize(21);
            return files.stream();
        }
    }

    private static FileOutcome load(String name) {
        return FlowLoader.loadFile(seedDir().resolve(name), ValidationContext.offline());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void parsesWithoutErrors(Path file) {
        FileOutcome outcome = FlowLoader.loadFile(file, ValidationContext.offline());
        assertThat(outcome.problems()).filteredOn(p -> p.severity() == Severity.ERROR).isEmpty();
        assertThat(outcome.flow()).isNotNull();
        assertThat(outcome.flow().version()).hasSize(12).matches("[0-9a-f]+");
    }

    @Test
    void upstreamFlowsAreNotExportFlows() {
        assertThat(load("09_orders_change_feed.toml").flow().type()).isEqualTo(FlowType.CHANGE_FEED);
        assertThat(load("09_orders_change_feed.toml").flow().isExport()).isFalse();
        assertThat(load("11_orders_delta_publishing.toml").flow().type()).isEqualTo(FlowType.DELTA_PUBLISHING);
        assertThat(load("11_orders_delta_publishing.toml").flow().export()).isNull();
    }

    @Test
    void fragmentsTakeTheirFileNameAsId() {
        assertThat(load("01_full_export.toml").flow().id()).isEqualTo("01_full_export");
        assertThat(load("13_export_orders_csv.toml").flow().name()).isEqualTo("13_export_orders_csv");
        assertThat(load("13_export_orders_csv.toml").flow().namespace()).isEqualTo("public");
    }

    @Test
    void multiLineExporterConfigIsRead() {
        FormatOptions.Csv csv = (FormatOptions.Csv) load("18_export_orders_complete.toml").flow().export().options();
        assertThat(csv.encoding().toml()).isEqualTo("utf-8-sig");
        assertThat(csv.columns()).containsExactly("order_id", "customer_id", "amount", "order_date", "status");
        FormatOptions.Json jsonl = (FormatOptions.Json) load("15_export_orders_jsonl.toml").flow().export().options();
        assertThat(jsonl.jsonl()).isTrue();
        assertThat(load("17_daily_orders_export.toml").flow().triggers()).singleElement()
                .satisfies(t -> assertThat(t.schedule()).isEqualTo("0 1 * * *"));
        assertThat(load("02_batch_export.toml").flow().export().batchId()).isEqualTo(42L);
        assertThat(load("08_export_delta_transactions.toml").flow().export().format()).isEqualTo(FileFormat.PARQUET);
    }

    @Test
    void parquetIndexIsAWarning() {
        FileOutcome outcome = load("16_export_orders_parquet.toml");
        assertThat(outcome.problems()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
            assertThat(p.key()).isEqualTo("properties.export.exporter_config.index");
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.message()).contains("no effect");
        });
        assertThat(outcome.flow()).isNotNull();
    }

    @Test
    void theSeedDirectoryAsAWholeHasDuplicateIds() {
        FlowSet set = FlowLoader.loadDirectory(seedDir(), ValidationContext.offline());
        assertThat(set.problems()).filteredOn(p -> p.message().contains("is also used by")).hasSize(6);
        assertThat(set.flows()).extracting(f -> f.id()).doesNotContain("export_orders_changes", "daily_orders_export");
        assertThat(set.exportFlows()).hasSize(13);
    }
}
