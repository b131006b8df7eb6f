package io.flowexport.validate;

import io.flowexport.diag.Problems;
import io.flowexport.flow.PathTemplate;
import io.flowexport.flow.parse.FlowPositions;
import io.flowexport.flow.parse.Suggestions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a file destination's path ({@code file_path}, {@code path} of a file destination, a messaging
 * destination's {@code dead_letter_path}): no control characters, known placeholders and no stray braces,
 * relative, {@code /} as the only separator, a file name, and inside the export directory once rendered.
 */
final class PathChecks {

    static final String FILE_PATH = "properties.export.file_path";

    private PathChecks() {
    }

    /**
     * Adds an error to {@code problems} for each problem of {@code template}; whether it leaves the export
     * directory is checked only when no other problem was found (the path would not render).
     *
     * @param key the key of the path in the flow file, e.g. {@code properties.export.file_path} or
     *            {@code properties.export.destination.path}; messages name its last part
     */
    static void check(String key, String template, String flowId, String namespace, Path exportDir,
                      FlowPositions positions, Problems problems) {
        String label = key.substring(key.lastIndexOf('.') + 1);
        if (template.isBlank()) {
            problems.error(positions.key(key), key, label + " is empty; write a path relative to the export "
                    + "directory, e.g. \"exports/orders.csv\"");
            return;
        }
        long before = problems.errorCount();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                problems.error(positions.inString(key, i), key, String.format(label + " holds the control "
                        + "character U+%04X at position %d; remove it", (int) c, i + 1));
            }
        }
        PathTemplate path = new PathTemplate(template);
        placeholders(key, path, positions, problems);
        if (template.startsWith("/") || template.startsWith("\\") || template.matches("^[A-Za-z]:.*")
                || template.startsWith("~")) {
            problems.error(positions.inString(key, 0), key, label + " '" + template + "' is absolute; write it "
                    + "relative to the export directory, e.g. 'exports/orders.csv'");
            return;
        }
        int backslash = template.indexOf('\\');
        if (backslash >= 0) {
            problems.error(positions.inString(key, backslash), key, label + " '" + template + "' holds '\\' at "
                    + "position " + (backslash + 1) + "; separate directories with '/'");
            return;
        }
        if (template.endsWith("/")) {
            problems.error(positions.key(key), key, label + " '" + template + "' has no file name; end it with "
                    + "one, e.g. '" + template + "orders.csv'");
            return;
        }
        if (problems.errorCount() > before) {
            return; // a path with control characters or bad placeholders cannot be rendered
        }
        escapes(key, label, path, flowId, namespace, exportDir, positions, problems);
    }

    /** Unknown placeholders, and braces that belong to no placeholder. */
    private static void placeholders(String key, PathTemplate path, FlowPositions positions, Problems problems) {
        List<String> names = path.placeholders();
        List<Integer> offsets = path.placeholderOffsets();
        for (int k = 0; k < names.size(); k++) {
            if (!PathTemplate.PLACEHOLDERS.contains(names.get(k))) {
                String name = names.get(k);
                String hint = Suggestions.nearest(name, PathTemplate.PLACEHOLDERS)
                        .map(n -> "; did you mean '{" + n + "}'?").orElse("") + "; known: " + known();
                problems.error(positions.inString(key, offsets.get(k)), key, "unknown placeholder '{" + name + "}'"
                        + hint);
            }
        }
        for (int at : path.strayBraces()) {
            char c = path.template().charAt(at);
            problems.error(positions.inString(key, at), key, "'" + c + "' at position " + (at + 1) + (c == '{'
                    ? " opens no placeholder" : " closes no placeholder") + "; placeholders are written {name} ("
                    + known() + "); remove the brace or complete the placeholder");
        }
    }

    private static String known() {
        return String.join(", ", new TreeSet<>(PathTemplate.PLACEHOLDERS).stream().map(n -> "{" + n + "}")
                .toList());
    }

    private static void escapes(String key, String label, PathTemplate path, String flowId, String namespace,
                                Path exportDir, FlowPositions positions, Problems problems) {
        String rendered = path.render(Map.of("batch_id", "42", "ds", "2026-01-31", "ds_nodash", "20260131",
                "ts", "2026-01-31T01-00-00Z", "ts_nodash", "20260131T010000", "flow_id", flowId,
                "namespace", namespace, "run_id", "run-1"));
        Path base = (exportDir != null ? exportDir : Path.of("export-dir")).toAbsolutePath().normalize();
        Path resolved;
        try {
            resolved = base.resolve(rendered).normalize();
        } catch (InvalidPathException e) {
            problems.error(positions.key(key), key, label + " is not a valid path: " + e.getMessage());
            return;
        }
        String template = path.template();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            int dots = template.indexOf("..");
            problems.error(positions.inString(key, Math.max(0, dots)), key, label + " '" + template
                    + "' leaves the export directory; remove the '..' segments");
        } else if (resolved.getFileName().toString().isBlank()) {
            problems.error(positions.key(key), key, label + " '" + template + "' has no file name");
        }
    }
}
