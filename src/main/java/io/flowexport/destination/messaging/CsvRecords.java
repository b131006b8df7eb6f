package io.flowexport.destination.messaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back a staged CSV file as flow-export's CSV writer writes it ({@code io.flowexport.format.csv.CsvText}: the
 * quoting of PostgreSQL's {@code COPY ... CSV}), one record at a time: each record's exact text (without its line
 * end, quoted newlines kept) and its fields. A field is quoted with {@code "} (doubled inside) when it holds the
 * delimiter, a quote or a line break, or is empty text; an empty unquoted field is NULL ({@code null} here).
 * Records end at {@code \n} or {@code \r\n} outside quotes.
 */
final class CsvRecords implements AutoCloseable {

    /**
     * One record.
     *
     * @param text   the record as written, without its line end
     * @param fields its fields, unquoted; null for NULL
     */
    record Record(String text, List<String> fields) {
    }

    private final BufferedReader in;
    private final char delimiter;
    private long line = 1;

    /** @param delimiter the flow's exporter_config delimiter */
    CsvRecords(Reader in, char delimiter) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        this.delimiter = delimiter;
    }

    /**
     * The next record, or null at the end of the file.
     *
     * @throws IOException when the file cannot be read, or ends inside a quoted field (the message gives the line)
     */
    Record next() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        long startLine = line;
        int c = in.read();
        if (c < 0) {
            return null;
        }
        for (; c >= 0; c = in.read()) {
            char ch = (char) c;
            if (inQuotes) {
                text.append(ch);
                if (ch == '"') {
                    in.mark(1);
                    int n = in.read();
                    if (n == '"') {
                        text.append('"');
                        field.append('"');
                    } else {
                        inQuotes = false;
                        if (n >= 0) {
                            in.reset();
                        }
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
            } else if (ch == '\n') {
                line++;
                break;
            } else if (ch == '\r') {
                in.mark(1);
                if (in.read() == '\n') {
                    line++;
                    break;
                }
                in.reset();
                text.append(ch);
                field.append(ch);
            } else if (ch == delimiter) {
                text.append(ch);
                fields.add(quoted || field.length() > 0 ? field.toString() : null);
                field.setLength(0);
                quoted = false;
            } else if (ch == '"' && field.length() == 0 && !quoted) {
                text.append(ch);
                quoted = true;
                inQuotes = true;
            } else {
                text.append(ch);
                field.append(ch);
            }
        }
        if (inQuotes) {
            throw new IOException("the CSV record that starts on line " + startLine + " ends inside a quoted field");
        }
        fields.add(quoted || field.length() > 0 ? field.toString() : null);
        return new Record(text.toString(), fields);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
