package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the key a syntax error is nearest to, for a file the TOML parser rejects (so there is no tree to ask):
 * the dotted key of the last key or table header before the error, e.g.
 * {@code properties.export.exporter_config.include_header} for an error in that member's value. A best-effort
 * scan of the text: table headers, keys, strings, comments and the brackets of inline tables and arrays.
 */
public final class NearestKey {

    /** What is reported when no key comes before the error (or the text is not TOML at all). */
    public static final String NONE = "-";

    /** Key segments longer than this are cut in the name reported. */
    private static final int MAX_SEGMENT = 40;

    private NearestKey() {
    }

    /** An open bracket: its kind and the dotted key whose value it is. */
    private record Frame(char kind, String key) {
    }

    /**
     * The dotted key nearest before {@code at} in {@code text}, or {@value #NONE}.
     *
     * @param text the file's text
     * @param at   a position in it (1-based line and column)
     */
    public static String at(String text, SourcePosition at) {
        int end = offset(text, at);
        String table = "";
        String last = null;
        Deque<Frame> open = new ArrayDeque<>();
        Map<String, Integer> arrayTables = new HashMap<>();
        boolean expectKey = true;
        int i = 0;
        while (i < end) {
            char c = text.charAt(i);
            if (c == '#') {
                i = TomlScan.lineEnd(text, i);
            } else if (c == '\n') {
                expectKey = open.isEmpty() || open.peek().kind() == '{';
                i++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                i++;
            } else if (expectKey && open.isEmpty() && c == '[') {
                int close = TomlScan.lineEnd(text, i);
                table = join(segments(text, i, close, true));
                if (text.startsWith("[[", i)) {
                    // the n-th [[x]] is x[n], as the parser names the keys of arrays of tables
                    table = table + "[" + arrayTables.merge(table, 1, Integer::sum) + "]";
                }
                last = table.isEmpty() ? last : table;
                expectKey = false;
                i = close;
            } else if (expectKey) {
                int eq = keyEnd(text, i);
                if (eq < text.length() && text.charAt(eq) == '=') {
                    String prefix = !open.isEmpty() ? open.peek().key() : table;
                    String key = join(segments(text, i, eq, false));
                    last = prefix == null || prefix.isEmpty() ? key : prefix + "." + key;
                    expectKey = false;
                    i = eq + 1;
                } else {
                    i = Math.max(eq, i + 1);
                }
            } else if (c == '"' || c == '\'') {
                i = TomlScan.stringEnd(text, i);
            } else if (c == '{' || c == '[') {
                String key = !open.isEmpty() && open.peek().kind() == '[' ? open.peek().key() : last;
                open.push(new Frame(c, key));
                expectKey = c == '{';
                i++;
            } else if (c == '}' || c == ']') {
                if (!open.isEmpty()) {
                    open.pop();
                }
                i++;
            } else {
                expectKey = c == ',' && !open.isEmpty() && open.peek().kind() == '{';
                i++;
            }
        }
        return last == null || last.isEmpty() ? NONE : last;
    }

    /** The offset of {@code at} in {@code text}, at most its length. */
    private static int offset(String text, SourcePosition at) {
        int offset = 0;
        for (int line = 1; line < at.line() && offset < text.length(); line++) {
            offset = TomlScan.lineEnd(text, offset) + 1;
        }
        return Math.min(text.length(), offset + Math.max(0, at.column() - 1));
    }

    /** The offset of the {@code =} ending the key that starts at {@code from}, or of the line's end. */
    private static int keyEnd(String text, int from) {
        int j = from;
        while (j < text.length()) {
            char c = text.charAt(j);
            if (c == '=' || c == '\n' || c == '#') {
                return j;
            }
            j = c == '"' || c == '\'' ? TomlScan.stringEnd(text, j) : j + 1;
        }
        return j;
    }

    /** The dot-separated segments of a key or table header between {@code from} and {@code to}. */
    private static List<String> segments(String text, int from, int to, boolean header) {
        List<String> out = new ArrayList<>();
        StringBuilder seg = new StringBuilder();
        int j = from;
        while (j < to) {
            char c = text.charAt(j);
            if (c == '"' || c == '\'') {
                int e = Math.min(to, TomlScan.stringEnd(text, j));
                seg.append(text, j + 1, Math.max(j + 1, e - 1));
                j = e;
            } else if (c == '.') {
                out.add(seg.toString().trim());
                seg.setLength(0);
                j++;
            } else if (header && c == '#') {
                break;
            } else if (header && (c == '[' || c == ']')) {
                j++;
            } else {
                seg.append(c);
                j++;
            }
        }
        out.add(seg.toString().trim());
        return out;
    }

    private static String join(List<String> segments) {
        List<String> shown = new ArrayList<>();
        for (String s : segments) {
            shown.add(s.length() > MAX_SEGMENT ? s.substring(0, MAX_SEGMENT) + "..." : s);
        }
        return String.join(".", shown).replaceAll("^\\.+|\\.+$", "");
    }
}
