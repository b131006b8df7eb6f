package io.flowexport.format.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.TextEncoding;
import io.flowexport.format.FormatFixture;
import io.flowexport.format.UnrepresentableValueException;
import io.flowexport.format.Writers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonFormatTest {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final JsonFormat format = new JsonFormat();

    @TempDir
    Path dir;

    private static FormatOptions.Json options(int indent, boolean jsonl, boolean ascii, TextEncoding encoding) {
        return new FormatOptions.Json(indent, jsonl, ascii, encoding, List.of());
    }

    private static List<JsonNode> readArray(String text) throws IOException {
        JsonNode root = MAPPER.readTree(text);
        assertThat(root.isArray()).isTrue();
        List<JsonNode> rows = new ArrayList<>();
        root.forEach(rows::add);
        return rows;
    }

    private static List<JsonNode> readLines(String text) throws IOException {
        assertThat(text).endsWith("\n");
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                rows.add(MAPPER.readTree(line));
            }
        }
        return rows;
    }

    /** Compares every object with the fixture: field order, JSON node types and values. */
    private static void assertFixture(List<JsonNode> rows) {
        assertThat(rows).hasSize(FormatFixture.ROWS.size());
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            List<String> fields = new ArrayList<>();
            row.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).isEqualTo(FormatFixture.names());
            for (int c = 0; c < FormatFixture.COLUMNS.size(); c++) {
                Column column = FormatFixture.COLUMNS.get(c);
                String expected = FormatFixture.TEXT.get(r)[c];
                JsonNode node = row.get(column.name());
                String what = "row " + r + " column " + column.name();
                if (expected == null) {
                    assertThat(node.isNull()).as(what).isTrue();
                    continue;
                }
                switch (column.kind()) {
                    case INT32, INT64 -> {
                        assertThat(node.isIntegralNumber()).as(what).isTrue();
                        assertThat(node.bigIntegerValue().toString()).as(what).isEqualTo(expected);
                    }
                    case DECIMAL -> {
                        assertThat(node.isNumber()).as(what).isTrue();
                        assertThat(node.decimalValue()).as(what).isEqualByComparingTo(new BigDecimal(expected));
                    }
                    case FLOAT32, FLOAT64 -> {
                        if (expected.endsWith("Infinity") || expected.equals("NaN")) {
                            assertThat(node.textValue()).as(what).isEqualTo(expected);
                        } else {
                            assertThat(node.isNumber()).as(what).isTrue();
                            assertThat(node.decimalValue()).as(what).isEqualByComparingTo(new BigDecimal(expected));
                        }
                    }
                    case BOOLEAN -> {
                        assertThat(node.isBoolean()).as(what).isTrue();
                        assertThat(node.asText()).as(what).isEqualTo(expected);
                    }
                    default -> assertThat(node.textValue()).as(what).isEqualTo(expected);
                }
            }
        }
    }

    private String writeFixture(FormatOptions.Json options) throws IOException {
        return Files.readString(Writers.writeFixture(format, dir.resolve("out.json"), options));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 4})
    void arrayRoundTripsThroughJacksonTree(int indent) throws IOException {
        assertFixture(readArray(writeFixture(options(indent, false, false, TextEncoding.UTF_8))));
    }

    @Test
    void jsonLinesRoundTripOneTreePerLine() throws IOException {
        String text = writeFixture(options(2, true, false, TextEncoding.UTF_8));
        assertThat(text.split("\n")).hasSize(FormatFixture.ROWS.size());
        assertFixture(readLines(text));
    }

    @Test
    void writesNonAsciiAsUtf8WithoutEscapes() throws IOException {
        assertThat(writeFixture(options(0, true, false, TextEncoding.UTF_8))).contains("\"label\":\"é 日本 😀\"");
    }

    @Test
    void decimalsArePlainNumbers() throws IOException {
        String text = writeFixture(options(0, true, false, TextEncoding.UTF_8));
        assertThat(text).contains("\"free_num\":1000000000000000000000000000000,")
                .contains("\"amount\":12345678901234567890.123456789,")
                .contains("\"amount\":-0.000000001,")
                .doesNotContain("E+");
    }

    @Test
    void matchesGoldenFiles() throws IOException {
        for (var golden : List.of(
                new Object[] {"fixture-indent2.json", options(2, false, false, TextEncoding.UTF_8)},
                new Object[] {"fixture-compact.json", options(0, false, false, TextEncoding.UTF_8)},
                new Object[] {"fixture.jsonl", options(0, true, false, TextEncoding.UTF_8)},
                new Object[] {"fixture-ascii.jsonl", options(0, true, true, TextEncoding.UTF_8)},
                new Object[] {"fixture-utf8-sig.jsonl", options(0, true, false, TextEncoding.UTF_8_SIG)})) {
            String name = (String) golden[0];
            byte[] actual = Files.readAllBytes(Writers.writeFixture(format, dir.resolve(name),
                    (FormatOptions.Json) golden[1]));
            assertThat(actual).as(name).isEqualTo(Writers.golden(name, actual));
        }
    }

    @Test
    void ensureAsciiEscapesEveryNonAsciiCharacter() throws IOException {
        byte[] bytes = Files.readAllBytes(Writers.writeFixture(format, dir.resolve("a.jsonl"),
                options(0, true, true, TextEncoding.UTF_8)));
        for (byte b : bytes) {
            assertThat(b).isBetween((byte) 0, (byte) 0x7F);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(text).contains("\\u00e9 \\u65e5\\u672c \\ud83d\\ude00");
        assertFixture(readLines(text));
    }

    @Test
    void ensureAsciiNeverFailsInANarrowEncoding() throws IOException {
        List<Column> columns = List.of(Column.of("名前", ValueKind.STRING));
        Path file = Writers.write(format, dir.resolve("a.jsonl"), columns, options(0, true, true,
                TextEncoding.LATIN_1), List.<Object[]>of(new Object[] {"€ 😀"}));
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
                .isEqualTo("{\"\\u540d\\u524d\":\"\\u20ac \\ud83d\\ude00\"}\n");
    }

    @Test
    void utf8SigAndUtf16RoundTrip() throws IOException {
        byte[] sig = Files.readAllBytes(Writers.writeFixture(format, dir.resolve("s.json"),
                options(2, false, false, TextEncoding.UTF_8_SIG)));
        assertThat(sig).startsWith(0xEF, 0xBB, 0xBF);
        assertFixture(readArray(new String(sig, 3, sig.length - 3, StandardCharsets.UTF_8)));
        byte[] utf16 = Files.readAllBytes(Writers.writeFixture(format, dir.resolve("u.json"),
                options(2, false, false, TextEncoding.UTF_16)));
        assertThat(utf16).startsWith(0xFE, 0xFF);
        assertFixture(readArray(new String(utf16, StandardCharsets.UTF_16)));
    }

    @Test
    void latin1AndCp1252WriteRepresentableText() throws IOException {
        List<Column> columns = List.of(Column.of("nom", ValueKind.STRING));
        Path latin1 = Writers.write(format, dir.resolve("l.jsonl"), columns,
                options(0, true, false, TextEncoding.LATIN_1), List.<Object[]>of(new Object[] {"café ÿ"}));
        assertThat(Files.readAllBytes(latin1)).isEqualTo(concat("{\"nom\":\"caf", 0xE9, " ", 0xFF, "\"}\n"));
        Path cp1252 = Writers.write(format, dir.resolve("w.jsonl"), columns,
                options(0, true, false, TextEncoding.CP1252), List.<Object[]>of(new Object[] {"5 €"}));
        assertThat(Files.readAllBytes(cp1252)).isEqualTo(concat("{\"nom\":\"5 ", 0x80, "\"}\n"));
    }

    @Test
    void unencodableValueNamesColumnEncodingAndRow() {
        List<Column> columns = List.of(Column.of("id", ValueKind.INT32), Column.of("nom", ValueKind.STRING));
        List<Object[]> rows = List.of(new Object[] {1, "ok"}, new Object[] {2, null}, new Object[] {3, "日本"});
        assertThatThrownBy(() -> Writers.write(format, dir.resolve("w.json"), columns,
                options(2, false, false, TextEncoding.CP1252), rows))
                .isInstanceOfSatisfying(UnrepresentableValueException.class, e -> {
                    assertThat(e.column()).isEqualTo("nom");
                    assertThat(e.encoding()).isEqualTo("cp1252");
                    assertThat(e.row()).isEqualTo(3);
                    assertThat(e).hasMessageContaining("U+65E5");
                });
    }

    @Test
    void emptyExports() throws IOException {
        List<Column> columns = List.of(Column.of("a", ValueKind.INT32));
        for (int indent : new int[] {0, 2}) {
            Path file = Writers.write(format, dir.resolve("e" + indent + ".json"), columns,
                    options(indent, false, false, TextEncoding.UTF_8), List.of());
            assertThat(Files.readString(file)).isEqualTo("[]\n");
        }
        Path lines = Writers.write(format, dir.resolve("e.jsonl"), columns,
                options(0, true, false, TextEncoding.UTF_8), List.of());
        assertThat(Files.readString(lines)).isEmpty();
    }

    private static byte[] concat(Object... parts) {
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
