package io.flowexport.format;

import io.flowexport.flow.TextEncoding;
import java.nio.charset.CharsetEncoder;

/**
 * Checks that text can be encoded in a {@link TextEncoding} that does not cover Unicode (latin-1, cp1252)
 * before a writer writes it, so a run fails with a clear error instead of writing {@code ?} replacements.
 *
 * <p>Writers only build one when {@link TextEncoding#coversUnicode()} is false, so UTF encodings pay nothing.
 * Not thread-safe (it holds a {@link CharsetEncoder}); a writer owns one.
 */
public final class EncodingCheck {

    private final TextEncoding encoding;
    private final CharsetEncoder encoder;
    private final boolean latin1;

    /** A check for {@code encoding}. */
    public EncodingCheck(TextEncoding encoding) {
        this.encoding = encoding;
        this.encoder = encoding.charset().newEncoder();
        this.latin1 = encoding == TextEncoding.LATIN_1;
    }

    /**
     * Verifies that every character of {@code text} can be encoded.
     *
     * @param column the column the text belongs to (or whose name it is)
     * @param row    1-based row number within the export; 0 for the header / field names
     * @throws UnrepresentableValueException naming the first code point that cannot be encoded
     */
    public void verify(String column, long row, String text) throws UnrepresentableValueException {
        int bad = firstUnencodable(text);
        if (bad >= 0) {
            throw new UnrepresentableValueException(column, encoding.toml(), row, bad);
        }
    }

    /** The first code point of {@code text} the encoding cannot represent, or -1 when all can be encoded. */
    public int firstUnencodable(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80 || latin1 && c <= 0xFF) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                // Neither latin-1 nor cp1252 has characters beyond the BMP; checked anyway for other charsets.
                if (!encoder.canEncode(text.subSequence(i, i + 2))) {
                    return text.codePointAt(i);
                }
                i++;
            } else if (latin1 || !encoder.canEncode(c)) {
                return c;
            }
        }
        return -1;
    }
}
