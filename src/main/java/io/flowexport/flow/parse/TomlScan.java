package io.flowexport.flow.parse;

/**
 * Character-level helpers shared by the scanners that read flow-file text before (or instead of) the TOML
 * parser: {@link LenientToml}'s rewriter and nesting check, and {@link NearestKey}. Offsets are UTF-16 char
 * indexes into the text; every method returns an offset greater than its start, so loops over them end.
 */
final class TomlScan {

    private TomlScan() {
    }

    /** The offset of the line break ending the line that holds {@code from}, or the text's length. */
    static int lineEnd(String src, int from) {
        int end = src.indexOf('\n', from);
        return end < 0 ? src.length() : end;
    }

    /**
     * The offset just after the string starting at {@code start} (a {@code "} or {@code '}, single or triple);
     * an unterminated single-line string ends at its line break, an unterminated multi-line string at the end.
     */
    static int stringEnd(String src, int start) {
        int n = src.length();
        char q = src.charAt(start);
        String delim = String.valueOf(q).repeat(3);
        if (src.startsWith(delim, start)) {
            int j = start + 3;
            while (j < n) {
                if (q == '"' && src.charAt(j) == '\\') {
                    j += 2;
                } else if (src.startsWith(delim, j)) {
                    int end = j + 3;
                    // up to two quotes may precede the closing delimiter
                    for (int extra = 0; extra < 2 && end < n && src.charAt(end) == q; extra++) {
                        end++;
                    }
                    return end;
                } else {
                    j++;
                }
            }
            return n;
        }
        int j = start + 1;
        while (j < n) {
            char c = src.charAt(j);
            if (c == '\n') {
                return j;
            }
            if (q == '"' && c == '\\') {
                j += 2;
                continue;
            }
            if (c == q) {
                return j + 1;
            }
            j++;
        }
        return n;
    }

    /**
     * Where arrays and inline tables (and table headers) first nest deeper than {@code max}, counting brackets
     * outside strings and comments.
     *
     * @return the offset of the bracket that goes one level too deep, or -1 when the text stays within
     *         {@code max}
     */
    static int tooDeep(String src, int max) {
        int depth = 0;
        int j = 0;
        int n = src.length();
        while (j < n) {
            char c = src.charAt(j);
            if (c == '#') {
                j = lineEnd(src, j);
            } else if (c == '"' || c == '\'') {
                j = stringEnd(src, j);
            } else {
                if (c == '[' || c == '{') {
                    if (++depth > max) {
                        return j;
                    }
                } else if ((c == ']' || c == '}') && depth > 0) {
                    depth--;
                }
                j++;
            }
        }
        return -1;
    }
}
