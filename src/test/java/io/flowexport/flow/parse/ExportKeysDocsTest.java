package io.flowexport.flow.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's table under "### `[properties.export]`" lists every key the parser accepts there. */
class ExportKeysDocsTest {

    @Test
    void everyExportKeyIsInReadme() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("### `[properties.export]`");
        assertThat(start).as("README has a '### `[properties.export]`' section").isNotNegative();
        List<String> documented = new ArrayList<>();
        Pattern firstCell = Pattern.compile("^\\| `([a-z_]+)` \\|");
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            Matcher m = firstCell.matcher(lines.get(i));
            if (m.find()) {
                documented.add(m.group(1));
            }
        }
        assertThat(documented).containsAll(ExportSpecParser.KEYS);
    }
}
