package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
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
    private final Map<String, Map<String, SourcePosition>> elements = new HashMap<>();

    void putKey(String dottedKey, SourcePosition position) {
        keys.put(dottedKey, position);
    }

    void putStringValue(String dottedKey, SourcePosition contentStart, boolean offsetsExact) {
        stringStarts.put(dottedKey, contentStart);
        exact.put(dottedKey, offsetsExact);
    }

    void putElement(String dottedKey, String value, SourcePosition position) {
        elements.computeIfAbsent(dottedKey, k -> new HashMap<>()).putIfAbsent(value, position);
    }

    /**
     * The position of the first element equal to {@code value} in the array of strings under {@code dottedKey}
     * (e.g. a name in {@code exporter_config.columns}); the key's position when the array has no such element.
     */
    public SourcePosition element(String dottedKey, String value) {
        return element(dottedKey, value, SourcePosition.START);
    }

    /**
     * As {@link #element(String, String)}, with {@code fallback} when neither the element nor the key is in the
     * file (e.g. the value comes from a destination catalogue entry).
     */
    public SourcePosition element(String dottedKey, String value, SourcePosition fallback) {
        SourcePosition p = elements.getOrDefault(dottedKey, Map.of()).get(value);
        return p != null ? p : key(dottedKey, fallback);
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
