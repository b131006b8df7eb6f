package io.flowexport.flow;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A text encoding accepted by {@code exporter_config.encoding}, with the spellings Python users write.
 */
public enum TextEncoding implements TomlEnum {
    UTF_8("utf-8", StandardCharsets.UTF_8, false, "utf8"),
    /** UTF-8 preceded by a byte order mark (EF BB BF), which Excel uses to recognise UTF-8. */
    UTF_8_SIG("utf-8-sig", StandardCharsets.UTF_8, true, "utf8-sig"),
    LATIN_1("latin-1", StandardCharsets.ISO_8859_1, false, "iso-8859-1", "latin1", "iso8859-1"),
    CP1252("cp1252", Charset.forName("windows-1252"), false, "windows-1252"),
    /** UTF-16, big-endian with a byte order mark. */
    UTF_16("utf-16", StandardCharsets.UTF_16, false, "utf16");

    private final String toml;
    private final Charset charset;
    private final boolean byteOrderMark;
    private final List<String> aliases;

    TextEncoding(String toml, Charset charset, boolean byteOrderMark, String... aliases) {
        this.toml = toml;
        this.charset = charset;
        this.byteOrderMark = byteOrderMark;
        this.aliases = List.of(aliases);
    }

    @Override
    public String toml() {
        return toml;
    }

    /** The Java charset that encodes the text. */
    public Charset charset() {
        return charset;
    }

    /** True when the file starts with a UTF-8 byte order mark written by us ({@code utf-8-sig}). */
    public boolean byteOrderMark() {
        return byteOrderMark;
    }

    /** True when every Unicode character can be encoded, so no per-value check is needed. */
    public boolean coversUnicode() {
        return this == UTF_8 || this == UTF_8_SIG || this == UTF_16;
    }

    /**
     * Finds an encoding by its spelling or an alias, ignoring case and {@code _} versus {@code -}.
     *
     * @return the encoding, or empty when the name is unknown
     */
    public static Optional<TextEncoding> parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(e -> e.toml.equals(n) || e.aliases.contains(n)).findFirst();
    }
}
