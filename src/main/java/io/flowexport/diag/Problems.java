package io.flowexport.diag;

import io.flowexport.diag.SourcePosition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one flow file; checks add to it and never stop at the first problem. */
public final class Problems {
    private final Path file;
    private final List<Problem> list = new ArrayList<>();

    /** @param file the flow file every problem is reported against */
    public Problems(Path file) {
        this.file = file;
    }

    /** The flow file. */
    public Path file() {
        return file;
    }

    /** Adds an error at {@code at} (1:1 when null). */
    public void error(SourcePosition at, String key, String message) {
        add(Severity.ERROR, at, key, message);
    }

    /** Adds a warning at {@code at} (1:1 when null). */
    public void warning(SourcePosition at, String key, String message) {
        add(Severity.WARNING, at, key, message);
    }

    /** Adds every problem of {@code other}. */
    public void addAll(List<Problem> other) {
        list.addAll(other);
    }

    private void add(Severity severity, SourcePosition at, String key, String message) {
        SourcePosition p = at != null ? at : SourcePosition.START;
        list.add(new Problem(severity, file, p.line(), p.column(), printable(key), printable(message)));
    }

    /**
     * {@code text} with every character that could break or disguise a one-line report escaped: control
     * characters as {@code \n}, {@code \r}, {@code \t} or a Unicode escape ({@code \}{@code u0007}), and so
     * are the line separators and the bidirectional-text controls (U+2028, U+2029, U+202A to U+202E, U+2066 to
     * U+2069). Values from a flow file are quoted in messages; a value holding a line break must not start a line
     * that looks like another problem.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                    || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
            if (escape && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (escape) {
                out.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04X", (int) c);
                });
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** True when any error (not warning) was added. */
    public boolean hasErrors() {
        return errorCount() > 0;
    }

    /** How many errors (not warnings) were added so far. */
    public long errorCount() {
        return list.stream().filter(p -> p.severity() == Severity.ERROR).count();
    }

    /** The problems sorted by line, then column; problems at one place keep the order they were found in. */
    public List<Problem> sorted() {
        return list.stream().sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                .toList();
    }
}
