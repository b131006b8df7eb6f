package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

/**
 * Parses flow-file text as TOML 1.0, additionally accepting the multi-line inline tables that the export-flow
 * reference documents (members on separate lines, without commas, optionally with trailing commas and comments):
 *
 * <pre>
 * exporter_config = {
 * delimiter = ","
 * include_header = true
 * }
 * </pre>
 *
 * <p>Only an inline table that holds a line break outside of any value (which TOML 1.0 forbids) is rewritten: it
 * is joined onto its first line with commas, its comments dropped, and the dropped line breaks re-inserted after
 * its closing brace, so the lines after it keep their numbers. Every other text reaches the TOML parser unchanged.
 * Every character of the rewritten text remembers its original offset, so {@link Parsed#original(TomlPosition)}
 * maps any position the parser reports (errors, {@code inputPositionOf}) back to the original line and column.
 */
public final class LenientToml {

    /**
     * The deepest nesting of arrays, inline tables and table headers a flow file may use; the reference's files
     * need three levels. Deeper text is refused before the TOML parser sees it: the parser recurses once per
     * level and would run out of stack (a {@link StackOverflowError}) at a few thousand.
     */
    public static final int MAX_NESTING = 32;

    private LenientToml() {
    }

    /**
     * Parses {@code text}; never throws for bad input: text nested deeper than {@link #MAX_NESTING} and text the
     * TOML parser cannot finish (it runs out of stack) come back as a syntax error, with an empty tree.
     *
     * @param text the flow file's text (without a byte order mark)
     * @return the parse result, the rewritten text and the position map
     */
    public static Parsed parse(String text) {
        int tooDeep = TomlScan.tooDeep(text, MAX_NESTING);
        if (tooDeep >= 0) {
            return Parsed.refused(text, tooDeep, "arrays and tables are nested more than " + MAX_NESTING
                    + " levels deep here; a flow file needs a few levels: close the brackets opened before this one"
                    + " (is this the right file?)");
        }
        Rewriter rewriter = new Rewriter(text);
        rewriter.run();
        String rewritten = rewriter.out.toString();
        TomlParseResult toml;
        try {
            toml = Toml.parse(rewritten);
        } catch (StackOverflowError e) {
            // the nesting check makes this unlikely; a parser that recurses is still no reason to stop the loader
            return Parsed.refused(text, 0, "the TOML parser ran out of stack space on this file; it is nested or "
                    + "repeated too deeply for a flow file: simplify it");
        }
        return new Parsed(toml, text, rewritten, rewriter.map.toArray(), rewriter.unclosed);
    }

    /** The result of {@link #parse}: the TOML tree plus a map from rewritten to original positions. */
    public static final class Parsed {
        private final TomlParseResult toml;
        private final String rewritten;
        private final int[] map;
        private final int[] originalLineStarts;
        private final int[] rewrittenLineStarts;
        private final int originalLength;
        private final List<SyntaxError> errors = new ArrayList<>();

        Parsed(TomlParseResult toml, String original, String rewritten, int[] map, List<Integer> unclosed) {
            this.toml = toml;
            this.rewritten = rewritten;
            this.map = map;
            this.originalLength = original.length();
            this.originalLineStarts = lineStarts(original);
            this.rewrittenLineStarts = lineStarts(rewritten);
            for (int offset : unclosed) {
                errors.add(new SyntaxError(positionOfOriginalOffset(offset),
                        "the inline table opened here is not closed; add '}' after its last member"));
            }
            toml.errors().forEach(e -> errors.add(new SyntaxError(original(e.position()), e.getMessage())));
        }

        /** A text the TOML parser was not given (or could not finish): one error at {@code offset}, no tree. */
        static Parsed refused(String original, int offset, String message) {
            Parsed p = new Parsed(Toml.parse(""), original, "", new int[0], List.of());
            p.errors.add(new SyntaxError(p.positionOfOriginalOffset(offset), message));
            return p;
        }

        /** The TOML tree; positions it reports are in the rewritten text, map them with {@link #original}. */
        public TomlParseResult toml() {
            return toml;
        }

        /** The text given to the TOML parser; equal to the input when nothing needed rewriting. */
        public String rewrittenText() {
            return rewritten;
        }

        /** Syntax errors at their original positions, in the order found. */
        public List<SyntaxError> errors() {
            return List.copyOf(errors);
        }

        /** True when the text is not valid (lenient) TOML. */
        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        /** Maps a position in the rewritten text (as tomlj reports it) to the original text; null stays null. */
        public SourcePosition original(TomlPosition position) {
            if (position == null) {
                return null;
            }
            int line = Math.max(1, Math.min(position.line(), rewrittenLineStarts.length));
            long offset = (long) rewrittenLineStarts[line - 1] + Math.max(0, position.column() - 1);
            int originalOffset = offset >= map.length ? originalLength : map[(int) offset];
            return positionOfOriginalOffset(originalOffset);
        }

        private SourcePosition positionOfOriginalOffset(int offset) {
            int line = lineIndex(originalLineStarts, offset);
            return new SourcePosition(line + 1, offset - originalLineStarts[line] + 1);
        }

        private static int lineIndex(int[] starts, int offset) {
            int lo = 0;
            int hi = starts.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        private static int[] lineStarts(String text) {
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    starts.add(i + 1);
                }
            }
            return starts.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] data = new int[256];
        private int size;

        void add(int value) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }

    /** Where a member of an inline table being rewritten is. */
    private enum State { KEY, VALUE_START, AFTER_VALUE }

    /** An open bracket inside a block being rewritten. */
    private static final class Frame {
        final char kind;
        State state = State.KEY;
        int pendingComma = -1;

        Frame(char kind) {
            this.kind = kind;
        }
    }

    /** Copies the text, rewriting comma-less multi-line inline tables, and records the original offsets. */
    private static final class Rewriter {
        private final String src;
        private final int n;
        private final StringBuilder out = new StringBuilder();
        private final IntList map = new IntList();
        private final List<Integer> unclosed = new ArrayList<>();
        private int i;

        Rewriter(String src) {
            this.src = src;
            this.n = src.length();
        }

        void run() {
            while (i < n) {
                char c = src.charAt(i);
                if (c == '#') {
                    int end = lineEnd(i);
                    copy(end - i);
                } else if (c == '"' || c == '\'') {
                    copy(stringEnd(i) - i);
                } else if (c == '{' && needsRewrite(i)) {
                    rewriteBlock();
                } else {
                    copy(1);
                }
            }
        }

        private void copy(int count) {
            for (int k = 0; k < count && i < n; k++, i++) {
                emit(src.charAt(i), i);
            }
        }

        private void emit(char c, int originalOffset) {
            out.append(c);
            map.add(originalOffset);
        }

        private void emit(String s, int originalOffset) {
            for (int k = 0; k < s.length(); k++) {
                emit(s.charAt(k), originalOffset);
            }
        }

        private int lineEnd(int from) {
            return TomlScan.lineEnd(src, from);
        }

        /** The offset just after the string starting at {@code start}; unterminated strings end at their line. */
        private int stringEnd(int start) {
            return TomlScan.stringEnd(src, start);
        }

        /** True when the inline table at {@code start} holds a line break or comment outside of any value. */
        private boolean needsRewrite(int start) {
            Deque<Character> stack = new ArrayDeque<>();
            stack.push('{');
            int j = start + 1;
            while (j < n && !stack.isEmpty()) {
                char c = src.charAt(j);
                if (c == '"' || c == '\'') {
                    j = stringEnd(j);
                    continue;
                }
                if ((c == '\n' || c == '#') && stack.peek() == '{') {
                    return true;
                }
                if (c == '#') {
                    j = lineEnd(j);
                    continue;
                }
                if (c == '{' || c == '[') {
                    stack.push(c);
                } else if (c == '}' || c == ']') {
                    stack.pop();
                }
                j++;
            }
            return false;
        }

        private void rewriteBlock() {
            int blockStart = i;
            int droppedNewlines = 0;
            Deque<Frame> stack = new ArrayDeque<>();
            emit('{', i++);
            stack.push(new Frame('{'));
            while (!stack.isEmpty()) {
                if (i >= n) {
                    closeUnterminated(stack, blockStart, n);
                    break;
                }
                Frame f = stack.peek();
                char c = src.charAt(i);
                if (c == '\n') {
                    droppedNewlines++;
                    if (f.kind == '{' && f.state == State.AFTER_VALUE && f.pendingComma < 0) {
                        f.pendingComma = i;
                    }
                    emit(' ', i++);
                } else if (c == '\r' || c == ' ' || c == '\t') {
                    emit(' ', i++);
                } else if (c == '#') {
                    i = lineEnd(i);
                } else if (f.kind == '[') {
                    inArray(stack, c);
                } else if (c == '[' && f.state != State.VALUE_START) {
                    // a table header: the inline table was never closed
                    closeUnterminated(stack, blockStart, i);
                    break;
                } else {
                    inTable(stack, f, c);
                }
            }
            for (int k = 0; k < droppedNewlines; k++) {
                emit('\n', Math.max(0, i - 1));
            }
        }

        private void closeUnterminated(Deque<Frame> stack, int blockStart, int at) {
            unclosed.add(blockStart);
            while (!stack.isEmpty()) {
                emit(stack.pop().kind == '{' ? '}' : ']', Math.max(0, at - 1));
            }
        }

        private void inArray(Deque<Frame> stack, char c) {
            if (c == '"' || c == '\'') {
                copy(stringEnd(i) - i);
            } else if (c == '[') {
                stack.push(new Frame('['));
                copy(1);
            } else if (c == '{') {
                stack.push(new Frame('{'));
                copy(1);
            } else if (c == ']') {
                copy(1);
                stack.pop();
                valueDone(stack);
            } else {
                copy(1);
            }
        }

        private void inTable(Deque<Frame> stack, Frame f, char c) {
            if (c == '}') {
                f.pendingComma = -1;
                copy(1);
                stack.pop();
                valueDone(stack);
                return;
            }
            if (c == ',') {
                if (f.pendingComma >= 0 && src.charAt(f.pendingComma) == ',') {
                    emit(',', f.pendingComma); // a doubled comma: let the parser report it
                }
                f.pendingComma = i++;
                f.state = State.KEY;
                return;
            }
            switch (f.state) {
                case KEY, AFTER_VALUE -> {
                    if (f.pendingComma >= 0) {
                        emit(", ", f.pendingComma);
                        f.pendingComma = -1;
                    }
                    f.state = State.KEY;
                    if (c == '=') {
                        f.state = State.VALUE_START;
                    }
                    copy(c == '"' || c == '\'' ? stringEnd(i) - i : 1);
                }
                case VALUE_START -> value(stack, f, c);
                default -> throw new IllegalStateException();
            }
        }

        private void value(Deque<Frame> stack, Frame f, char c) {
            if (c == '"' || c == '\'') {
                copy(stringEnd(i) - i);
                f.state = State.AFTER_VALUE;
            } else if (c == '{' || c == '[') {
                stack.push(new Frame(c));
                copy(1);
            } else {
                while (i < n && " \t\r\n,}#".indexOf(src.charAt(i)) < 0) {
                    copy(1);
                }
                f.state = State.AFTER_VALUE;
            }
        }

        private static void valueDone(Deque<Frame> stack) {
            Frame parent = stack.peek();
            if (parent != null && parent.kind == '{') {
                parent.state = State.AFTER_VALUE;
            }
        }
    }
}
