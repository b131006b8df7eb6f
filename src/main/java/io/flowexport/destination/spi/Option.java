package io.flowexport.destination.spi;

import io.flowexport.flow.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One key of a destination type, declared once: the declaration gives the key check its known keys, the parser its
 * default (when neither the flow nor the catalogue entry sets the key), the README table its default column and the
 * printers which values are secrets.
 *
 * @param name         the key as TOML spells it, e.g. {@code connect_timeout}
 * @param type         the kind of value the key takes
 * @param defaultValue the value when the key is absent ({@link Duration}, {@link Integer}, {@link Long} bytes,
 *                     {@link Boolean}, {@link String}, an enum), or null when there is none or it depends on other
 *                     keys
 * @param defaultText  the default as the README states it, without backticks: {@code 10s}, {@code required},
 *                     {@code none}, {@code the JVM's}
 * @param required     whether a destination of the type must have it (set inline or by its catalogue entry)
 * @param secret       whether the value (or part of it, for tables) is a secret: read as a reference, never printed
 * @param doc          what the key means, one sentence
 * @param example      a value as a flow writes it, TOML syntax
 */
public record Option(String name, Type type, Object defaultValue, String defaultText, boolean required,
                     boolean secret, String doc, String example) {

    /** The kinds of values a key takes. */
    public enum Type {
        STRING, INTEGER, BOOLEAN, DURATION, SIZE, ENUM, TABLE, LIST
    }

    /** A key that must be set (inline or by the catalogue entry). */
    public static Option required(String name, Type type, String doc, String example) {
        return new Option(name, type, null, "required", true, false, doc, example);
    }

    /**
     * A key with a default. The README text is derived from the value ({@code 10s} for a duration, the number, the
     * string) unless {@link #shown} replaces it; a null value reads "none".
     */
    public static Option optional(String name, Type type, Object defaultValue, String doc, String example) {
        return new Option(name, type, defaultValue, text(defaultValue), false, false, doc, example);
    }

    /** The same key, the README stating its default as {@code text}. */
    public Option shown(String text) {
        return new Option(name, type, defaultValue, text, required, secret, doc, example);
    }

    /** The same key, holding a secret. */
    public Option asSecret() {
        return new Option(name, type, defaultValue, defaultText, required, true, doc, example);
    }

    /**
     * The default, typed; null when there is none.
     *
     * @throws ClassCastException when the declared default is of another type (a mistake in the declaration)
     */
    public <T> T defaultAs(Class<T> type) {
        return type.cast(defaultValue);
    }

    /** The names of the options, in declaration order. */
    public static Set<String> names(Collection<Option> options) {
        Set<String> out = new LinkedHashSet<>();
        options.forEach(o -> out.add(o.name()));
        return out;
    }

    private static String text(Object value) {
        if (value == null) {
            return "none";
        } else if (value instanceof Duration d) {
            return Durations.format(d);
        } else if (value instanceof io.flowexport.flow.TomlEnum e) {
            return e.toml();
        }
        return String.valueOf(value);
    }
}
