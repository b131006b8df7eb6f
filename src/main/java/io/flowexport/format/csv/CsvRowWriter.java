package io.flowexport.format.csv;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.FormatOptions;
import io.flowexport.format.EncodingCheck;
import io.flowexport.format.RowWriter;
import io.flowexport.format.TextOutput;
import io.flowexport.format.ValueText;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

/** Writes rows as CSV records; see {@link CsvFormat} for the shape and {@link CsvText} for the quoting. */
final class CsvRowWriter implements RowWriter {

    private final Writer out;
    private final char delimiter;
    private final String[] names;
    private final ValueText.Renderer[] renderers;
    /** Per column: true when its values must pass {@link #check}; all false for UTF encodings. */
    private final boolean[] checked;
    private final EncodingCheck check;
    private final StringBuilder line = new StringBuilder(256);
    private long row;

    private CsvRowWriter(Writer out, char delimiter, List<Column> columns, EncodingCheck check) {
        this.out = out;
        this.delimiter = delimiter;
        this.check = check;
        int n = columns.size();
        this.names = new String[n];
        this.renderers = new ValueText.Renderer[n];
        this.checked = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            names[i] = c.name();
            renderers[i] = renderer(c.kind());
            checked[i] = check != null && c.kind() == ValueKind.STRING;
        }
    }

    /** Floats as PostgreSQL prints them (see {@link PgFloatText}); everything else as {@link ValueText}. */
    private static ValueText.Renderer renderer(ValueKind kind) {
        return switch (kind) {
            case FLOAT32 -> v -> PgFloatText.ofFloat((Float) v);
            case FLOAT64 -> v -> PgFloatText.ofDouble((Double) v);
            default -> ValueText.renderer(kind);
        };
    }

    static CsvRowWriter open(Path file, List<Column> columns, FormatOptions.Csv options) throws IOException {
        EncodingCheck check = options.encoding().coversUnicode() ? null : new EncodingCheck(options.encoding());
        if (options.includeHeader() && check != null) {
            for (Column c : columns) {
                check.verify(c.name(), 0, c.name());
            }
        }
        Writer out = TextOutput.openWriter(file, options.encoding());
        CsvRowWriter writer = new CsvRowWriter(out, options.delimiter(), columns, check);
        if (options.includeHeader()) {
            try {
                out.write(CsvText.header(columns, options.delimiter()));
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
        return writer;
    }

    @Override
    public void write(Object[] values) throws IOException {
        row++;
        StringBuilder sb = line;
        sb.setLength(0);
        int n = renderers.length;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(delimiter);
            }
            Object v = values[i];
            if (v == null) {
                continue;
            }
            String text = renderers[i].render(v);
            if (checked[i]) {
                check.verify(names[i], row, text);
            }
            CsvText.appendField(sb, text, delimiter, n);
        }
        sb.append('\n');
        out.append(sb);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
