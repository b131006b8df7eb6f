package io.flowexport.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How log lines are written on stderr ({@code flowexport.log.format}): {@code text}, the default, one readable line
 * per event; {@code json}, one JSON object per line for log shippers. Secrets are masked in both.
 */
public enum LogFormat {
    /** {@code 2026-12-06T03:02:08.467Z INFO  [main] i.f.state.StateSchema - ...} */
    TEXT("text"),
    /** {@code {"timestamp":"...","level":"INFO","logger":"...","thread":"main","message":"..."}} */
    JSON("json");

    private final String spelling;

    LogFormat(String spelling) {
        this.spelling = spelling;
    }

    /** The value as the setting spells it. */
    public String spelling() {
        return spelling;
    }

    /** The format spelled {@code value} (case and surrounding blanks ignored), or empty. */
    public static Optional<LogFormat> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.spelling.equals(v)).findFirst();
    }

    /** The known spellings, e.g. {@code text, json}. */
    public static String known() {
        return Arrays.stream(values()).map(LogFormat::spelling).collect(Collectors.joining(", "));
    }
}
