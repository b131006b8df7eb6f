package io.flowexport.format;

import io.flowexport.flow.TextEncoding;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the buffered byte and character streams that the text formats write to.
 *
 * <p>Files are created or truncated. For {@link TextEncoding#UTF_8_SIG} the byte order mark EF BB BF is written
 * first; {@link TextEncoding#UTF_16} gets its big-endian byte order mark FE FF from Java's UTF-16 encoder.
 * The character encoder reports unmappable characters instead of replacing them with {@code ?}, so text that
 * slips past an {@link EncodingCheck} fails the run rather than corrupting the file.
 */
public final class TextOutput {

    /** Buffer size of the returned streams: 64 KiB (bytes, and chars for the writer). */
    public static final int BUFFER_SIZE = 64 * 1024;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private TextOutput() {
    }

    /**
     * A buffered byte stream over {@code file}, the UTF-8 BOM already written when the encoding asks for one.
     *
     * @throws IOException when the file cannot be created
     */
    public static OutputStream openStream(Path file, TextEncoding encoding) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER_SIZE);
        try {
            if (encoding.byteOrderMark()) {
                out.write(UTF8_BOM);
            }
            return out;
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    /**
     * A buffered character writer over {@code file} that encodes with {@code encoding}.
     *
     * @throws IOException when the file cannot be created
     */
    public static Writer openWriter(Path file, TextEncoding encoding) throws IOException {
        OutputStream out = openStream(file, encoding);
        return new BufferedWriter(new OutputStreamWriter(out, encoding.charset().newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), BUFFER_SIZE);
    }
}
