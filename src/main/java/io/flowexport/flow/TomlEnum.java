package io.flowexport.flow;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An enumerated flow option that carries its TOML spelling.
 *
 * <p>Implemented by every enum of the flow model so that parsing, validation messages ("known: a, b, c") and
 * printing use one source of truth for the spelling.
 */
public interface TomlEnum {

    /** The spelling of this value in a flow file, e.g. {@code "changes_only"}. */
    String toml();

    /**
     * Finds the constant of {@code type} spelled {@code text} (exact, case-sensitive match).
     *
     * @return the constant, or empty when no constant has that spelling
     */
    static <E extends Enum<E> & TomlEnum> Optional<E> parse(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.toml().equals(text)).findFirst();
    }

    /** The spellings of every constant of {@code type}, in declaration order. */
    static <E extends Enum<E> & TomlEnum> List<String> spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(TomlEnum::toml).toList();
    }
}
