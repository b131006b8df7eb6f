package io.flowexport.validate;

import io.flowexport.flow.parse.FlowParser;
import io.flowexport.diag.SourcePosition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a flow or destination catalogue file as text, refusing what is not a small UTF-8 text file before any
 * parser sees it: more than {@link FlowParser#MAX_FILE_BYTES} bytes (never read further than that, even when the
 * file grows or lies about its size), UTF-16 or UTF-32 (by their byte order marks), bytes that are not UTF-8, and
 * NUL characters (binary files and UTF-16 without a byte order mark).
 */
final class FlowFileReader {

    private FlowFileReader() {
    }

    /**
     * A file's text, or why it was refused.
     *
     * @param text    the text without a UTF-8 byte order mark; null when refused
     * @param version the content hash of the bytes read ({@link FlowParser#version(byte[])}); null when the file
     *                was not read
     * @param at      where the problem is (the first bad byte); null when the text was read
     * @param problem what is wrong and what to do; null when the text was read
     */
    record Result(String text, String version, SourcePosition at, String problem) {
        static Result refused(String version, SourcePosition at, String problem) {
            return new Result(null, version, at, problem);
        }
    }

    /** Reads {@code file}; never throws. */
    static Result read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > FlowParser.MAX_FILE_BYTES) {
                return Result.refused(null, SourcePosition.START, FlowParser.tooLarge(size + " bytes"));
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(FlowParser.MAX_FILE_BYTES + 1);
            }
        } catch (IOException | RuntimeException e) {
            return Result.refused(null, SourcePosition.START, "cannot read the file: " + e
                    + "; check that it exists and is readable");
        }
        if (bytes.length > FlowParser.MAX_FILE_BYTES) {
            return Result.refused(null, SourcePosition.START, FlowParser.tooLarge("more than "
                    + FlowParser.MAX_FILE_BYTES + " bytes"));
        }
        return decode(bytes);
    }

    /** Decodes {@code bytes} as a flow file's UTF-8 text; see the class comment for what is refused. */
    static Result decode(byte[] bytes) {
        String version = FlowParser.version(bytes);
        String bom = bom(bytes);
        if (bom != null) {
            return Result.refused(version, SourcePosition.START, "the file is " + bom + " text (it starts with a "
                    + bom + " byte order mark); flow files are UTF-8: save it as UTF-8");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            String before = out.flip().toString();
            return Result.refused(version, end(before), String.format("the file is not valid UTF-8: byte 0x%02X at "
                    + "offset %d cannot start or continue a UTF-8 character; is it binary, or in another encoding "
                    + "(Latin-1, Windows-1252)? save flow files as UTF-8 text, and keep other files out of the flow "
                    + "directory", bytes[in.position()] & 0xff, in.position()));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some editors write; not TOML
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            return Result.refused(version, end(text.substring(0, nul)), "the file holds a NUL character: it is "
                    + "binary or UTF-16 without a byte order mark, not TOML text; save flow files as UTF-8 text, and "
                    + "keep other files out of the flow directory");
        }
        return new Result(text, version, null, null);
    }

    /** The name of the UTF-16 or UTF-32 byte order mark {@code bytes} start with, or null. */
    private static String bom(byte[] b) {
        if (b.length >= 4 && (b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xFE && (b[3] & 0xff) == 0xFF
                || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE && b[2] == 0 && b[3] == 0)) {
            return "UTF-32";
        }
        if (b.length >= 2 && ((b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF
                || (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE)) {
            return "UTF-16";
        }
        return null;
    }

    /** The position just after {@code text}: where the next character would be. */
    private static SourcePosition end(String text) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(line, text.length() - lineStart + 1);
    }
}
