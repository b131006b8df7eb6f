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
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/** Writes rows as CSV records; see {@link CsvFormat} for the shape. */
final class CsvRowWriter implements RowWriter {

    /** An empty string, quoted so that it differs from NULL. */
    private static final String QUOTED_EMPTY = "\"\"";

    private final Writer out;
    /** Prints non-null values with minimal quoting; NULL prints as nothing. */
    private final CSVFormat fields;
    /**
     * Prints an empty string as {@code ""}. Commons CSV's MINIMAL mode quotes an empty value only when it is first
     * in a record, and no mode quotes exactly the empty values; but a NULL prints as the format's null string
     * verbatim, so a twin format whose null string is {@code ""} writes it without hand-rolled CSV.
     */
    private final CSVFormat emptyStrings;
    private final String[] names;
    private final ValueText.Renderer[] renderers;
    /** Per column: true when its values must pass {@link #check}; all false for UTF encodings. */
    private final boolean[] checked;
    private final EncodingCheck check;
    private long row;

    private CsvRowWriter(Writer out, CSVFormat fields, List<Column> columns, EncodingCheck check) {
        this.out = out;
        this.fields = fields;
        this.emptyStrings = fields.builder().setNullString(QUOTED_EMPTY).get();
        this.check = check;
        int n = columns.size();
        this.names = new String[n];
        this.renderers = new ValueText.Renderer[n];
        this.checked = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            names[i] = c.name();
            renderers[i] = ValueText.renderer(c.kind());
            checked[i] = check != null && c.kind() == ValueKind.STRING;
        }
    }

    static CsvRowWriter open(Path file, List<Column> columns, FormatOptions.Csv options) throws IOException {
        EncodingCheck check = options.encoding().coversUnicode() ? null : new EncodingCheck(options.encoding());
        if (options.includeHeader() && check != null) {
            for (Column c : columns) {
                check.verify(c.name(), 0, c.name());
            }
        }
        CSVFormat fields = CSVFormat.RFC4180.builder()
                .setDelimiter(options.delimiter())
                .setRecordSeparator('\n')
                .setQuoteMode(QuoteMode.MINIMAL)
                .setNullString(null)
                .get();
        Writer out = TextOutput.openWriter(file, options.encoding());
        CsvRowWriter writer = new CsvRowWriter(out, fields, columns, check);
        if (options.includeHeader()) {
            try {
                writer.writeHeader();
            } catch (IOException | RuntimeException e) {
                out.close();
                throw e;
            }
        }
        return writer;
    }

    private void writeHeader() throws IOException {
        for (int i = 0; i < names.length; i++) {
            printText(names[i], i == 0);
        }
        fields.println(out);
    }

    @Override
    public void write(Object[] values) throws IOException {
        row++;
        for (int i = 0; i < renderers.length; i++) {
            Object v = values[i];
            boolean first = i == 0;
            if (v == null) {
                fields.print(null, out, first);
                continue;
            }
            String text = renderers[i].render(v);
            if (checked[i]) {
                check.verify(names[i], row, text);
            }
            printText(text, first);
        }
        fields.println(out);
    }

    private void printText(String text, boolean first) throws IOException {
        if (text.isEmpty()) {
            emptyStrings.print(null, out, first);
        } else {
            fields.print(text, out, first);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
