package io.flowexport.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target path with placeholders, e.g. {@code exports/orders_{batch_id}_{ds_nodash}.csv}.
 *
 * <p>Placeholders: {@code {batch_id}} (highest batch in the export; the configured batch in batch mode),
 * {@code {ds}} (YYYY-MM-DD), {@code {ds_nodash}} (YYYYMMDD), {@code {ts}} (ISO 8601 with offset),
 * {@code {ts_nodash}} (YYYYMMDDTHHMMSS), {@code {flow_id}}, {@code {namespace}}, {@code {run_id}}.
 * Dates are in the trigger's time zone, UTC for runs started by hand.
 */
public final class PathTemplate {

    /** Every placeholder name a path may use. */
    public static final Set<String> PLACEHOLDERS =
            Set.of("batch_id", "ds", "ds_nodash", "ts", "ts_nodash", "flow_id", "namespace", "run_id");

    // a secret reference ${env:X} / ${file:/p} is not a placeholder
    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([^{}]*)}");

    private final String template;

    /** @param template the configured path, as written in the flow */
    public PathTemplate(String template) {
        this.template = template;
    }

    /** The configured path. */
    public String template() {
        return template;
    }

    /** Every placeholder name used, in order of appearance (unknown ones included). */
    public List<String> placeholders() {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The 0-based offsets in the template of each placeholder's opening brace, in order of appearance. */
    public List<Integer> placeholderOffsets() {
        List<Integer> offsets = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            offsets.add(m.start());
        }
        return offsets;
    }

    /**
     * The 0-based offsets of the braces that belong to no placeholder: an unbalanced {@code {} or {@code }}, a
     * brace inside another pair, the braces of a {@code ${...}} secret reference (paths take none). A path
     * template should have none: rendering leaves them in the path as written.
     */
    public List<Integer> strayBraces() {
        boolean[] inPlaceholder = new boolean[template.length()];
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            inPlaceholder[m.start()] = true;
            inPlaceholder[m.end() - 1] = true;
        }
        List<Integer> stray = new ArrayList<>();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if ((c == '{' || c == '}') && !inPlaceholder[i]) {
                stray.add(i);
            }
        }
        return stray;
    }

    /** True when the template uses {@code name}. */
    public boolean uses(String name) {
        return placeholders().contains(name);
    }

    /**
     * Replaces every placeholder with its value.
     *
     * @param values a value per placeholder name; a placeholder without a value stays as written
     * @return the rendered path (still relative; the caller resolves and checks it)
     */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
