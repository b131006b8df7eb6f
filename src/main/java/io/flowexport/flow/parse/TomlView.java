package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.TomlEnum;
import io.flowexport.diag.Problems;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * One TOML table of a flow file, read with typed getters that report wrong types, bad enum values, missing and
 * unknown keys to a {@link Problems} (never throwing), and record key positions in {@link FlowPositions}.
 */
public final class TomlView {

    /**
     * Characters in one string value that flow-export reads (names, paths, URLs, descriptions): more is refused,
     * so a mistaken or hostile value never reaches a database lookup, a path check or a message in full.
     */
    public static final int MAX_STRING = 1024;

    /**
     * What every view of one file shares.
     *
     * @param catalogue    the destination catalogue {@code ref} names entries of, or null (a catalogue file)
     * @param destinations the destination types a {@code type} may name
     */
    public record Context(LenientToml.Parsed parsed, Problems problems, String[] lines, FlowPositions positions,
                   io.flowexport.flow.DestinationCatalog catalogue, DestinationReader destinations) {
    }

    private final TomlTable table;
    private final String path;
    private final SourcePosition header;
    private final Context ctx;

    TomlView(TomlTable table, String path, SourcePosition header, Context ctx) {
        this.table = table;
        this.path = path;
        this.header = header;
        this.ctx = ctx;
    }

    public String path() {
        return path;
    }

    public SourcePosition header() {
        return header;
    }

    public Context context() {
        return ctx;
    }

    public Problems problems() {
        return ctx.problems();
    }

    public String key(String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    public boolean has(String k) {
        return table.get(List.of(k)) != null;
    }

    public Object raw(String k) {
        return table.get(List.of(k));
    }

    public Set<String> keys() {
        return new TreeSet<>(table.keySet());
    }

    public SourcePosition pos(String k) {
        SourcePosition p = ctx.parsed().original(table.inputPositionOf(List.of(k)));
        return p != null ? p : header;
    }

    /** Reports every key not in {@code known}, suggesting the nearest known key or listing them all. */
    public void checkKeys(Set<String> known) {
        for (String k : keys()) {
            if (!known.contains(k)) {
                unknown(k, known);
            }
        }
    }

    public void unknown(String k, Set<String> known) {
        ctx.problems().error(pos(k), key(k), "unknown key '" + k + "'"
                + Suggestions.hint(k, new TreeSet<>(known), "known keys here"));
    }

    public void missing(String k, String what) {
        ctx.problems().error(header, key(k), "missing key '" + k + "'; " + what);
    }

    public void wrongType(String k, String expected) {
        ctx.problems().error(pos(k), key(k), "expected " + expected + ", found " + typeName(raw(k)));
    }

    public String string(String k) {
        Object v = raw(k);
        if (v == null) {
            return null;
        }
        ctx.positions().putKey(key(k), pos(k));
        if (!(v instanceof String s)) {
            wrongType(k, "a string");
            return null;
        }
        if (tooLong(s, pos(k), key(k))) {
            return null;
        }
        recordStringValue(k, s);
        return s;
    }

    /** Reports a string value longer than {@value #MAX_STRING} characters at {@code at}; true when it is. */
    public boolean tooLong(String value, SourcePosition at, String dottedKey) {
        if (value.length() <= MAX_STRING) {
            return false;
        }
        // none of the value is shown: it may be a secret written in clear text
        ctx.problems().error(at, dottedKey, "the value is " + value.length() + " characters long; a value has at "
                + "most " + MAX_STRING + " characters: shorten it");
        return true;
    }

    public Long integer(String k) {
        Object v = raw(k);
        if (v == null) {
            return null;
        }
        ctx.positions().putKey(key(k), pos(k));
        if (!(v instanceof Long l)) {
            wrongType(k, "an integer");
            return null;
        }
        return l;
    }

    public Boolean bool(String k) {
        Object v = raw(k);
        if (v == null) {
            return null;
        }
        ctx.positions().putKey(key(k), pos(k));
        if (!(v instanceof Boolean b)) {
            wrongType(k, "a boolean (true or false)");
            return null;
        }
        return b;
    }

    /** The enum constant spelled by the string value; null when absent or wrong (reported). */
    public <E extends Enum<E> & TomlEnum> E enumValue(String k, Class<E> type, String what) {
        String s = string(k);
        if (s == null) {
            return null;
        }
        E e = TomlEnum.parse(type, s).orElse(null);
        if (e == null) {
            List<String> known = TomlEnum.spellings(type);
            ctx.problems().error(pos(k), key(k), "unknown " + what + " '" + s + "'; known: "
                    + String.join(", ", known));
        }
        return e;
    }

    /** The sub-table, or null when absent or not a table (reported). */
    public TomlView table(String k) {
        Object v = raw(k);
        if (v == null) {
            return null;
        }
        ctx.positions().putKey(key(k), pos(k));
        if (!(v instanceof TomlTable t)) {
            wrongType(k, "a table");
            return null;
        }
        return new TomlView(t, key(k), pos(k), ctx);
    }

    /** The array, or null when absent or not an array (reported). */
    public TomlArray array(String k, String expected) {
        Object v = raw(k);
        if (v == null) {
            return null;
        }
        ctx.positions().putKey(key(k), pos(k));
        if (!(v instanceof TomlArray a)) {
            wrongType(k, expected);
            return null;
        }
        return a;
    }

    /** Records where the array element {@code value} of key {@code k} is, for problems that point at it. */
    public void recordElement(String k, String value, SourcePosition at) {
        ctx.positions().putElement(key(k), value, at);
    }

    public SourcePosition elementPos(TomlArray a, int index) {
        SourcePosition p = ctx.parsed().original(a.inputPositionOf(index));
        return p != null ? firstNonBlank(p) : header;
    }

    /**
     * The first character at or after {@code p} that is not blank, a line break or a comment: the parser puts an
     * array element where the whitespace before it starts (after the {@code [}, or on the line before).
     */
    private SourcePosition firstNonBlank(SourcePosition p) {
        String[] lines = ctx.lines();
        int line = p.line();
        int col = p.column();
        while (line <= lines.length) {
            String text = lines[line - 1];
            while (col <= text.length() && (text.charAt(col - 1) == ' ' || text.charAt(col - 1) == '\t'
                    || text.charAt(col - 1) == '\r')) {
                col++;
            }
            if (col <= text.length() && text.charAt(col - 1) != '#') {
                return new SourcePosition(line, col);
            }
            line++;
            col = 1;
        }
        return p;
    }

    /** Finds where the string's content starts on the key's line, to point at characters inside it. */
    private void recordStringValue(String k, String value) {
        SourcePosition kp = pos(k);
        if (kp.line() < 1 || kp.line() > ctx.lines().length) {
            return;
        }
        String line = ctx.lines()[kp.line() - 1];
        int j = kp.column() - 1;
        char quote = 0;
        while (j < line.length()) {
            char c = line.charAt(j);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '=') {
                break;
            }
            j++;
        }
        j++;
        while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
            j++;
        }
        if (j >= line.length() || (line.charAt(j) != '"' && line.charAt(j) != '\'')) {
            return;
        }
        char q = line.charAt(j);
        int start = line.startsWith(String.valueOf(q).repeat(3), j) ? j + 3 : j + 1;
        boolean exact = line.startsWith(value, start) && start + value.length() < line.length()
                && line.charAt(start + value.length()) == q;
        ctx.positions().putStringValue(key(k), new SourcePosition(kp.line(), start + 1), exact);
    }

    /** The TOML name of a value's type, with its article: "an integer". */
    public static String typeName(Object v) {
        if (v instanceof String) {
            return "a string";
        } else if (v instanceof Long) {
            return "an integer";
        } else if (v instanceof Double) {
            return "a float";
        } else if (v instanceof Boolean) {
            return "a boolean";
        } else if (v instanceof OffsetDateTime) {
            return "a date-time";
        } else if (v instanceof LocalDateTime) {
            return "a local date-time";
        } else if (v instanceof LocalDate) {
            return "a date";
        } else if (v instanceof LocalTime) {
            return "a time";
        } else if (v instanceof TomlArray) {
            return "an array";
        } else if (v instanceof TomlTable) {
            return "a table";
        }
        return "nothing";
    }
}
