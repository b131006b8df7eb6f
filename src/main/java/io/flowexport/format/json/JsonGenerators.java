package io.flowexport.format.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.TextEncoding;
import io.flowexport.format.TextOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Builds the configured {@link JsonGenerator} for one file. */
final class JsonGenerators {

    private static final JsonFactory PLAIN = factory(false);
    private static final JsonFactory ASCII = factory(true);

    private JsonGenerators() {
    }

    private static JsonFactory factory(boolean ensureAscii) {
        return new JsonFactoryBuilder()
                .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .configure(JsonWriteFeature.ESCAPE_NON_ASCII, ensureAscii)
                // Without this the UTF-8 generator writes characters beyond U+FFFF as escaped surrogate pairs.
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                // Lower-case hex in escapes (\\u00e9), as Python's json.dumps writes them.
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                // JSON Lines writes its own '\n' after each object instead of Jackson's ' ' between root values.
                .rootValueSeparator((String) null)
                .build();
    }

    /** Creates {@code file} and a generator over it; the generator closes the file when closed. */
    static JsonGenerator open(Path file, FormatOptions.Json options) throws IOException {
        JsonFactory factory = options.ensureAscii() ? ASCII : PLAIN;
        TextEncoding encoding = options.encoding();
        JsonGenerator g;
        if (encoding.charset().name().equals("UTF-8")) {
            // Jackson's byte generator encodes UTF-8 itself, faster than a Writer.
            OutputStream out = TextOutput.openStream(file, encoding);
            g = factory.createGenerator(out, JsonEncoding.UTF8);
        } else {
            g = factory.createGenerator(TextOutput.openWriter(file, encoding));
        }
        if (!options.jsonl()) {
            g.setPrettyPrinter(options.indent() > 0 ? indented(options.indent()) : new OneObjectPerLine());
        }
        return g;
    }

    private static PrettyPrinter indented(int indent) {
        DefaultIndenter indenter = new DefaultIndenter(" ".repeat(indent), "\n");
        return new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withArrayEmptySeparator("")
                        .withObjectEmptySeparator(""))
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
    }

    /** A compact array with each element on its own line: {@code [\n{...},\n{...}\n]}. */
    private static final class OneObjectPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            if (nrOfValues > 0) {
                g.writeRaw('\n');
            }
            g.writeRaw(']');
        }
    }
}
