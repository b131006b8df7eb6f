package io.flowexport.format.csv;

import io.flowexport.dataset.Column;
import java.util.List;

/**
 * The quoting rules of the CSV writer, which are those of PostgreSQL's {@code COPY ... (FORMAT csv)}, so that
 * the generic writer and the COPY path produce the same bytes: a field is quoted with {@code "} when it is
 * empty (so that it differs from NULL, which is an empty unquoted field), or contains the delimiter, a quote, CR
 * or LF, or is {@code \.} alone in a one-column row; quotes inside are doubled. Nothing else is quoted (Commons
 * CSV's minimal mode also quotes leading and trailing spaces and a leading {@code #}, which COPY does not, hence
 * these few lines of our own).
 */
public final class CsvText {

    private CsvText() {
    }

    /** True when {@code text} must be quoted as one field of a row of {@code columns} columns. */
    public static boolean needsQuotes(String text, char delimiter, int columns) {
        int n = text.length();
        if (n == 0) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return columns == 1 && text.equals("\\.");
    }

    /** Appends one field, quoted when {@link #needsQuotes} says so. */
    public static void appendField(StringBuilder out, String text, char delimiter, int columns) {
        if (!needsQuotes(text, delimiter, columns)) {
            out.append(text);
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }

    /** The header line of {@code columns} (their names), ending with {@code \n}. */
    public static String header(List<Column> columns, char delimiter) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append(delimiter);
            }
            appendField(sb, columns.get(i).name(), delimiter, columns.size());
        }
        return sb.append('\n').toString();
    }
}
