package io.flowexport.format.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.EncodingCheck;
import io.flowexport.format.RowWriter;
import io.flowexport.format.ValueText;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/** Writes rows as JSON objects; see {@link JsonFormat} for the shape. */
final class JsonRowWriter implements RowWriter {

    /** Writes one non-null value of a column. */
    @FunctionalInterface
    private interface FieldWriter {
        void write(JsonGenerator g, Object value) throws IOException;
    }

    private final JsonGenerator g;
    private final boolean jsonl;
    private final String[] names;
    /** Pre-encoded names; null where a name is not ASCII (a pre-encoded name would bypass ensure_ascii). */
    private final SerializedString[] encodedNames;
    private final FieldWriter[] writers;
    /** Per column: true when its values must pass {@link #check}; all false for UTF encodings and ensure_ascii. */
    private final boolean[] checked;
    private final EncodingCheck check;
    private long row;

    private JsonRowWriter(JsonGenerator g, List<Column> columns, FormatOptions.Json options, EncodingCheck check) {
        this.g = g;
        this.jsonl = options.jsonl();
        this.check = check;
        int n = columns.size();
        names = new String[n];
        encodedNames = new SerializedString[n];
        writers = new FieldWriter[n];
        checked = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            names[i] = c.name();
            encodedNames[i] = c.name().chars().allMatch(ch -> ch < 0x80) ? new SerializedString(c.name()) : null;
            writers[i] = fieldWriter(c.kind());
            checked[i] = check != null && c.kind() == ValueKind.STRING;
        }
    }

    static JsonRowWriter open(Path file, List<Column> columns, FormatOptions.Json options) throws IOException {
        EncodingCheck check = options.ensureAscii() || options.encoding().coversUnicode() ? null
                : new EncodingCheck(options.encoding());
        if (check != null) {
            for (Column c : columns) {
                check.verify(c.name(), 0, c.name());
            }
        }
        JsonGenerator g = JsonGenerators.open(file, options);
        JsonRowWriter writer = new JsonRowWriter(g, columns, options, check);
        if (!options.jsonl()) {
            try {
                g.writeStartArray();
            } catch (IOException | RuntimeException e) {
                g.close();
                throw e;
            }
        }
        return writer;
    }

    private static FieldWriter fieldWriter(ValueKind kind) {
        return switch (kind) {
            case INT32 -> (g, v) -> g.writeNumber((int) (Integer) v);
            case INT64 -> (g, v) -> g.writeNumber((long) (Long) v);
            case DECIMAL -> (g, v) -> g.writeNumber((BigDecimal) v);
            case FLOAT32 -> (g, v) -> writeFloating(g, (Float) v, ValueText.ofFloat((Float) v));
            case FLOAT64 -> (g, v) -> writeFloating(g, (Double) v, ValueText.ofDouble((Double) v));
            case BOOLEAN -> (g, v) -> g.writeBoolean((Boolean) v);
            case STRING -> (g, v) -> g.writeString((String) v);
            default -> {
                ValueText.Renderer renderer = ValueText.renderer(kind);
                yield (g, v) -> g.writeString(renderer.render(v));
            }
        };
    }

    private static void writeFloating(JsonGenerator g, double value, String text) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumber(text);
        } else {
            g.writeString(text);
        }
    }

    @Override
    public void write(Object[] values) throws IOException {
        row++;
        g.writeStartObject();
        for (int i = 0; i < writers.length; i++) {
            if (encodedNames[i] != null) {
                g.writeFieldName(encodedNames[i]);
            } else {
                g.writeFieldName(names[i]);
            }
            Object v = values[i];
            if (v == null) {
                g.writeNull();
            } else {
                if (checked[i]) {
                    check.verify(names[i], row, (String) v);
                }
                writers[i].write(g, v);
            }
        }
        g.writeEndObject();
        if (jsonl) {
            g.writeRaw('\n');
        }
    }

    @Override
    public void close() throws IOException {
        try (g) {
            if (!jsonl) {
                g.writeEndArray();
                g.writeRaw('\n');
            }
        }
    }
}
