package io.flowexport.diag;

import java.nio.file.Path;

/**
 * One validation problem in a flow file.
 *
 * @param severity error or warning
 * @param file     the flow file
 * @param line     1-based line of the offending key or value (or of its table when the key is missing)
 * @param column   1-based column
 * @param key      the dotted key, e.g. {@code properties.export.format}; empty for a file-level problem
 * @param message  what is wrong and what to do
 */
public record Problem(Severity severity, Path file, int line, int column, String key, String message) {

    /** Formats as {@code path:line:col: key: message}, warnings as {@code path:line:col: key: warning: message}. */
    @Override
    public String toString() {
        String where = file + ":" + line + ":" + column + ": " + (key.isEmpty() ? "" : key + ": ");
        return where + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
