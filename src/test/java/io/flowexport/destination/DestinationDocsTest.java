package io.flowexport.destination;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README's destination tables (under "## Destinations") list every declared option of every registered type, with
 * the default the declaration states. A table belongs to the types named (in backticks) on the line before it, e.g.
 * "Keys of `eventhub` and `servicebus`:"; a row names its keys in backticks, several separated by " / ", with
 * their defaults separated the same way (or one default for all).
 */
class DestinationDocsTest {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** type -> key -> default cell, backticks removed. */
    private static Map<String, Map<String, String>> tables(List<String> section, Set<String> types) {
        Map<String, Map<String, String>> out = new HashMap<>();
        Set<String> current = Set.of();
        String before = "";
        boolean inTable = false;
        for (String line : section) {
            if (!line.startsWith("|")) {
                inTable = false;
                if (!line.isBlank()) {
                    before = line;
                }
                continue;
            }
            if (!inTable) {
                inTable = true;
                current = new HashSet<>();
                Matcher m = CODE.matcher(before);
                while (m.find()) {
                    if (types.contains(m.group(1))) {
                        current.add(m.group(1));
                    }
                }
                continue; // the header row
            }
            String[] cells = line.split("\\|", -1);
            if (cells.length < 4 || cells[1].trim().startsWith("---")) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            Matcher m = CODE.matcher(cells[1]);
            while (m.find()) {
                keys.add(m.group(1));
            }
            String[] defaults = cells[2].replace("`", "").trim().split(" / ");
            for (int i = 0; i < keys.size(); i++) {
                String shown = defaults.length == keys.size() ? defaults[i] : cells[2].replace("`", "").trim();
                for (String type : current) {
                    out.computeIfAbsent(type, t -> new HashMap<>()).put(keys.get(i), shown);
                }
            }
        }
        return out;
    }

    @Test
    void everyDeclaredOptionOfEveryTypeIsInReadmeWithItsDefault() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("## Destinations");
        assertThat(start).as("README has a '## Destinations' section").isNotNegative();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        Set<String> types = new HashSet<>(DestinationTypes.registry().types());
        Map<String, Map<String, String>> documented = tables(lines.subList(start, end), types);
        List<String> missing = new ArrayList<>();
        for (DestinationProvider<?> p : DestinationTypes.registry().providers()) {
            for (String type : p.types()) {
                Map<String, String> table = documented.getOrDefault(type, Map.of());
                for (Option o : p.options(type)) {
                    String shown = table.get(o.name());
                    if (shown == null) {
                        missing.add(type + "." + o.name() + ": not in a table of `" + type + "`");
                    } else if (!shown.contains(o.defaultText())) {
                        missing.add(type + "." + o.name() + ": README says '" + shown + "', the declaration '"
                                + o.defaultText() + "'");
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }
}
