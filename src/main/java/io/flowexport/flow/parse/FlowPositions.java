package io.flowexport.flow.parse;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the keys of a parsed flow file are, by dotted key (e.g. {@code properties.export.file_path}), in the
 * original text; lets later checks point at the key they complain about.
 */
public final class FlowPositions {
    private final Map<String, SourcePosition> keys = new HashMap<>();
    private final Map<String, SourcePosition> stringStarts = new HashMap<>();
    private final Map<String, Boolean> exact = new HashMap<>();

    void putKey(String dottedKey, SourcePosition position) {
        keys.put(dottedKey, position);
    }

    void putStringValue(String dottedKey, SourcePosition contentStart, boolean offsetsExact) {
        stringStarts.put(dottedKey, contentStart);
        exact.put(dottedKey, offsetsExact);
    }

    /** The position of the key, or of {@code fallback} when the key is absent. */
    public SourcePosition key(String dottedKey, SourcePosition fallback) {
        return keys.getOrDefault(dottedKey, fallback);
    }

    /** The position of the key, or 1:1 when the key is absent. */
    public SourcePosition key(String dottedKey) {
        return key(dottedKey, SourcePosition.START);
    }

    /**
     * The position of the character at {@code offset} (0-based, in the parsed value) inside the string value of
     * {@code dottedKey}; the start of the value when escapes make the offset inexact; the key when unknown.
     */
    public SourcePosition inString(String dottedKey, int offset) {
        SourcePosition start = stringStarts.get(dottedKey);
        if (start == null) {
            return key(dottedKey);
        }
        return Boolean.TRUE.equals(exact.get(dottedKey))
                ? new SourcePosition(start.line(), start.column() + offset) : start;
    }
}
