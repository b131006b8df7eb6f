package io.flowexport.destination.spi;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.parse.TomlView;
import java.util.List;
import java.util.Map;

/**
 * A destination type as a plugin: its name(s) as TOML spells them, its options, how a flow's table becomes its
 * typed spec, its connector, and how {@code plan} and {@code check} describe it. Registered in
 * {@link io.flowexport.destination.DestinationTypes}, the one list of types.
 *
 * @param <S> the type's spec (an immutable record)
 */
public interface DestinationProvider<S extends DestinationSpec> {

    /** The type names as {@code type = "..."} spells them; most providers serve one. */
    List<String> types();

    /** The spec class this provider makes and serves. */
    Class<S> specType();

    /**
     * The keys of a destination of {@code type}, without {@code type}, {@code name} and {@code ref} (every type has
     * those). The key check, the defaults and the README table come from this list.
     *
     * @param type one of {@link #types()}
     */
    List<Option> options(String type);

    /**
     * Reads one destination. Unknown keys were reported already (against {@link #options}); this reports wrong
     * values, missing keys and cross-field conflicts to {@code v.problems()}, never throwing.
     *
     * @param type one of {@link #types()}
     * @param v    the destination's table (inline in a flow, or a catalogue file's top level)
     * @param base the catalogue entry this destination overrides ({@code ref}), or null; keys {@code v} sets replace
     *             the entry's, keys it leaves out keep the entry's values
     * @param name the destination's name in the flow
     * @param ref  the catalogue entry's name, or null
     * @return the spec, or null when {@code v} has errors (reported)
     */
    S parse(String type, TomlView v, S base, String name, String ref);

    /** A connector for this type's destinations; the caller closes it when the runner stops. */
    Connector<S> connector(ConnectorContext context);

    /**
     * What {@code plan} and {@code check} print after {@code <type> '<name>': }: where the export goes, with
     * placeholders rendered with {@code values}, and the settings that matter. Secret references print as written,
     * literal secrets as {@code ****}, never a value.
     */
    String describe(S spec, Map<String, String> values);

    /**
     * The path whose extension gives the flow's format when {@code format} is not set (a file, a lake file), or
     * null when the destination has no file name.
     */
    default String fileTemplate(S spec) {
        return null;
    }

    /** Why this destination cannot take a flow's files of {@code format}, or null when it can. */
    default String refuses(S spec, FileFormat format) {
        return null;
    }

    /**
     * Files this destination writes under the export directory, checked like {@code file_path}: key relative to
     * the destination's table (the empty key: the destination's own key) to path template.
     */
    default Map<String, String> localFiles(S spec) {
        return Map.of();
    }

    /**
     * Columns of the export this destination names, checked against the dataset: key relative to the destination's
     * table to column names. When not empty, the destination's template holds no placeholders to check.
     */
    default Map<String, List<String>> namedColumns(S spec) {
        return Map.of();
    }

    /**
     * Whether {@link DestinationSpec#template()} is the string as the flow writes it, so that a problem in it can
     * point at a character; false when it is derived (from a url, or with a prefix).
     */
    default boolean templateAsWritten() {
        return true;
    }

    /**
     * The destination a flow's short form makes (the file type: {@code file_path = "..."}), named {@code name}.
     *
     * @throws IllegalArgumentException when this type has no short form (the default)
     */
    default S shortForm(String name, String value) {
        throw new IllegalArgumentException("destination type " + types() + " has no short form");
    }

    /** Whether a delivery leaves a file at its target (listed as the run's file in the history). */
    default boolean storesFiles() {
        return false;
    }
}
