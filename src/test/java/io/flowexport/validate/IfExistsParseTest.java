package io.flowexport.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.IfExists;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code if_exists}: its default by export mode, and a stated value winning over it. */
class IfExistsParseTest {

    private static ExportSpec parse(String mode, String ifExists) {
        String text = "id = \"o\"\n[properties.export]\nsource_dataset_id = \"orders\"\n"
                + "file_path = \"out/o_{batch_id}.csv\"\nexport_mode = \"" + mode + "\"\n"
                + (mode.equals("batch") ? "batch_id = 7\n" : "")
                + (ifExists.isEmpty() ? "" : "if_exists = \"" + ifExists + "\"\n");
        FileOutcome outcome = FlowLoader.parse(Path.of("flows", "o.toml"), text, ValidationContext.offline());
        assertThat(outcome.problems()).isEmpty();
        return outcome.flow().export();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "full,         ,          overwrite",
            "batch,        ,          overwrite",
            "incremental,  ,          fail",
            "changes_only, ,          fail",
            "full,         fail,      fail",
            "batch,        fail,      fail",
            "incremental,  overwrite, overwrite",
            "changes_only, overwrite, overwrite"})
    void theModeGivesTheDefaultAndTheFlowMayOverrideIt(String mode, String stated, String expected) {
        ExportSpec spec = parse(mode, stated == null ? "" : stated);
        assertThat(spec.fileIfExists().toml()).isEqualTo(expected);
        assertThat(spec.ifExists()).isEqualTo(stated == null ? null : spec.fileIfExists());
        assertThat(IfExists.defaultFor(spec.exportMode()))
                .isEqualTo(spec.exportMode().usesWatermark() ? IfExists.FAIL : IfExists.OVERWRITE);
    }
}
