package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.diag.Problems;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Limits on the parsed tree of a flow or catalogue file, checked before its keys are read, so that a hostile or
 * mistaken file costs no more than a real one: how many keys and array elements, how deep tables nest (dotted
 * keys such as {@code a.b.c = 1} nest without brackets), and how long a key is. A real flow file has a few dozen
 * keys at a depth of three or four; a list of 1,600 columns (PostgreSQL's most) stays far below the limits.
 */
final class TomlLimits {

    /** Keys and array elements in one file, all tables together. */
    static final int MAX_ENTRIES = 10_000;
    /** Characters in one key (one segment of a dotted key). */
    static final int MAX_KEY_LENGTH = 128;

    private TomlLimits() {
    }

    /** A table or array still to visit, with its dotted key and depth. */
    private record Pending(Object node, String path, int depth) {
    }

    /**
     * Reports what exceeds a limit: each key longer than {@value #MAX_KEY_LENGTH} characters, the first table or
     * array nested deeper than {@link LenientToml#MAX_NESTING} (its contents are not visited) and the first entry
     * beyond {@value #MAX_ENTRIES} (then the walk stops).
     *
     * @return true when the tree is within every limit
     */
    static boolean check(LenientToml.Parsed parsed, Problems problems) {
        long before = problems.errorCount();
        int entries = 0;
        Deque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(parsed.toml(), "", 0));
        while (!todo.isEmpty()) {
            Pending p = todo.pop();
            if (p.node() instanceof TomlTable t) {
                for (String k : t.keySet()) {
                    String key = p.path().isEmpty() ? shown(k) : p.path() + "." + shown(k);
                    SourcePosition at = at(parsed, t.inputPositionOf(List.of(k)));
                    if (++entries > MAX_ENTRIES) {
                        tooMany(problems, at, key);
                        return false;
                    }
                    if (k.length() > MAX_KEY_LENGTH) {
                        problems.error(at, key, "the key is " + k.length() + " characters long; keys have at most "
                                + MAX_KEY_LENGTH + ": use one of the keys this table takes");
                    }
                    visit(todo, t.get(List.of(k)), key, p.depth() + 1, at, problems);
                }
            } else if (p.node() instanceof TomlArray a) {
                for (int i = 0; i < a.size(); i++) {
                    String key = p.path() + "[" + (i + 1) + "]";
                    SourcePosition at = at(parsed, a.inputPositionOf(i));
                    if (++entries > MAX_ENTRIES) {
                        tooMany(problems, at, key);
                        return false;
                    }
                    visit(todo, a.get(i), key, p.depth() + 1, at, problems);
                }
            }
        }
        return problems.errorCount() == before;
    }

    private static void visit(Deque<Pending> todo, Object value, String key, int depth, SourcePosition at,
                              Problems problems) {
        if (!(value instanceof TomlTable) && !(value instanceof TomlArray)) {
            return;
        }
        if (depth > LenientToml.MAX_NESTING) {
            problems.error(at, key, "tables and arrays are nested more than " + LenientToml.MAX_NESTING
                    + " levels deep here (dotted keys count as tables); a flow file needs a few levels");
            return;
        }
        todo.push(new Pending(value, key, depth));
    }

    private static void tooMany(Problems problems, SourcePosition at, String key) {
        problems.error(at, key, "the file holds more than " + MAX_ENTRIES + " keys and array elements; a flow file "
                + "holds a few dozen (is this the right file?): remove what it does not need");
    }

    private static SourcePosition at(LenientToml.Parsed parsed, TomlPosition position) {
        SourcePosition p = parsed.original(position);
        return p != null ? p : SourcePosition.START;
    }

    /** A key as shown in a problem: cut after {@value #MAX_KEY_LENGTH} characters. */
    private static String shown(String k) {
        return k.length() > MAX_KEY_LENGTH ? k.substring(0, 40) + "..." : k;
    }
}
