package io.flowexport.format.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.TextEncoding;
import io.flowexport.format.FormatFixture;
import io.flowexport.format.UnrepresentableValueException;
import io.flowexport.format.Writers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFormatTest {

    private final CsvFormat format = new CsvFormat();

    @TempDir
    Path dir;

    private static FormatOptions.Csv options(char delimiter, boolean header, TextEncoding encoding) {
        return new FormatOptions.Csv(delimiter, header, encoding, List.of());
    }

    /** Reads a CSV file with Jackson's CSV parser; an empty unquoted field reads as null. */
    private static List<List<String>> readWithJackson(Path file, char delimiter, java.nio.charset.Charset charset)
            throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter);
        List<List<String>> rows = new ArrayList<>();
        try (var reader = Files.newBufferedReader(file, charset);
                MappingIterator<String[]> it = mapper.readerFor(String[].class)
                        .with(CsvParser.Feature.WRAP_AS_ARRAY)
                        .with(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
                        .with(schema).readValues(reader)) {
            while (it.hasNext()) {
                rows.add(Arrays.asList(it.next()));
            }
        }
        return rows;
    }

    private static List<List<String>> expectedRows(boolean header) {
        List<List<String>> expected = new ArrayList<>();
        if (header) {
            expected.add(FormatFixture.names());
        }
        FormatFixture.CSV_TEXT.forEach(t -> expected.add(Arrays.asList(t)));
        return expected;
    }

    @Test
    void roundTripsTheFixtureThroughJacksonCsv() throws IOException {
        Path file = Writers.writeFixture(format, dir.resolve("out.csv"), FormatOptions.Csv.defaults());
        assertThat(readWithJackson(file, ',', StandardCharsets.UTF_8)).isEqualTo(expectedRows(true));
    }

    @Test
    void keepsNullAndEmptyStringDistinctInEveryPosition() throws IOException {
        List<Column> columns = List.of(Column.of("a", ValueKind.STRING), Column.of("b", ValueKind.STRING));
        Path file = Writers.write(format, dir.resolve("out.csv"), columns, options(',', false, TextEncoding.UTF_8),
                List.of(new Object[] {null, ""}, new Object[] {"", null}, new Object[] {null, null}));
        assertThat(Files.readString(file)).isEqualTo(",\"\"\n\"\",\n,\n");
    }

    @Test
    void otherDelimiterWithoutHeaderRoundTrips() throws IOException {
        Path file = Writers.writeFixture(format, dir.resolve("out.csv"), options(';', false, TextEncoding.UTF_8));
        assertThat(readWithJackson(file, ';', StandardCharsets.UTF_8)).isEqualTo(expectedRows(false));
        Path tabs = Writers.writeFixture(format, dir.resolve("out.tsv"), options('\t', true, TextEncoding.UTF_8));
        assertThat(readWithJackson(tabs, '\t', StandardCharsets.UTF_8)).isEqualTo(expectedRows(true));
    }

    @Test
    void matchesGoldenFile() throws IOException {
        byte[] actual = Files.readAllBytes(
                Writers.writeFixture(format, dir.resolve("out.csv"), FormatOptions.Csv.defaults()));
        assertThat(actual).isEqualTo(Writers.golden("fixture.csv", actual));
    }

    @Test
    void utf8SigStartsWithByteOrderMark() throws IOException {
        byte[] actual = Files.readAllBytes(Writers.writeFixture(format, dir.resolve("out.csv"),
                options(',', true, TextEncoding.UTF_8_SIG)));
        assertThat(actual).startsWith(0xEF, 0xBB, 0xBF);
        assertThat(actual).isEqualTo(Writers.golden("fixture-utf8-sig.csv", actual));
        byte[] withoutBom = Arrays.copyOfRange(actual, 3, actual.length);
        assertThat(withoutBom).isEqualTo(Writers.golden("fixture.csv", withoutBom));
    }

    @Test
    void utf16WritesBigEndianWithByteOrderMark() throws IOException {
        Path file = Writers.writeFixture(format, dir.resolve("out.csv"), options(',', true, TextEncoding.UTF_16));
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).startsWith(0xFE, 0xFF);
        assertThat(readWithJackson(file, ',', StandardCharsets.UTF_16)).isEqualTo(expectedRows(true));
    }

    @Test
    void latin1AndCp1252WriteRepresentableText() throws IOException {
        List<Column> columns = List.of(Column.of("nom", ValueKind.STRING), Column.of("prix", ValueKind.STRING));
        Path latin1 = Writers.write(format, dir.resolve("l1.csv"), columns, options(',', true, TextEncoding.LATIN_1),
                List.<Object[]>of(new Object[] {"café", "5 ÿ"}));
        assertThat(Files.readAllBytes(latin1)).isEqualTo(
                bytes("nom,prix\ncaf", 0xE9, ",5 ", 0xFF, "\n"));
        Path cp1252 = Writers.write(format, dir.resolve("w.csv"), columns, options(',', true, TextEncoding.CP1252),
                List.<Object[]>of(new Object[] {"café", "5 €"}));
        assertThat(Files.readAllBytes(cp1252)).isEqualTo(bytes("nom,prix\ncaf", 0xE9, ",5 ", 0x80, "\n"));
    }

    @Test
    void unencodableValueNamesColumnEncodingAndRow() {
        List<Column> columns = List.of(Column.of("id", ValueKind.INT32), Column.of("nom", ValueKind.STRING));
        List<Object[]> rows = List.of(new Object[] {1, "café"}, new Object[] {2, "5 €"});
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("l1.csv"), columns,
                options(',', true, TextEncoding.LATIN_1), rows))
                .isInstanceOfSatisfying(UnrepresentableValueException.class, e -> {
                    assertThat(e.column()).isEqualTo("nom");
                    assertThat(e.encoding()).isEqualTo("latin-1");
                    assertThat(e.row()).isEqualTo(2);
                    assertThat(e).hasMessageContaining("U+20AC");
                });
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("w.csv"), columns,
                options(',', true, TextEncoding.CP1252), List.<Object[]>of(new Object[] {1, "a😀"})))
                .isInstanceOfSatisfying(UnrepresentableValueException.class, e -> {
                    assertThat(e.row()).isEqualTo(1);
                    assertThat(e.encoding()).isEqualTo("cp1252");
                    assertThat(e).hasMessageContaining("U+1F600");
                });
    }

    @Test
    void unencodableHeaderFailsBeforeCreatingTheFile() {
        Path file = dir.resolve("h.csv");
        assertThatThrownBy(() -> format.open(file, List.of(Column.of("日付", ValueKind.DATE)),
                options(',', true, TextEncoding.LATIN_1)))
                .isInstanceOfSatisfying(UnrepresentableValueException.class, e -> {
                    assertThat(e.column()).isEqualTo("日付");
                    assertThat(e.row()).isZero();
                });
        assertThat(file).doesNotExist();
    }

    /** Concatenates ASCII strings and single bytes given as ints. */
    private static byte[] bytes(Object... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }
}
