package io.flowexport.flow.parse;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.FileFormat;
import java.util.List;
import java.util.Set;

/**
 * What the flow parser needs of the destination types, without knowing any: which type names exist, their keys,
 * how a destination's table becomes its spec. Implemented by the destination registry
 * ({@code io.flowexport.destination.spi.DestinationRegistry}), which the caller of {@link FlowParser} passes in,
 * so that parsing depends on no destination package.
 */
public interface DestinationReader {

    /** The type names as {@code type = "..."} spells them, in the order they are listed to users. */
    List<String> types();

    /** True when {@code type} is one of {@link #types()}. */
    boolean knows(String type);

    /**
     * The keys a destination of {@code type} may have, without {@code type}, {@code name} and {@code ref}.
     *
     * @throws IllegalArgumentException when the type is unknown
     */
    Set<String> keys(String type);

    /**
     * Reads one destination of {@code type} whose keys were checked; reports wrong values, missing keys and
     * cross-field conflicts to {@code v.problems()}, never throwing.
     *
     * @param base the catalogue entry this destination overrides ({@code ref}), of the same type, or null
     * @return the spec, or null when {@code v} has errors (reported)
     */
    DestinationSpec parse(String type, TomlView v, DestinationSpec base, String name, String ref);

    /**
     * The destination a flow's short form makes, e.g. {@code file_path = "..."} for type {@code file}.
     *
     * @throws IllegalArgumentException when {@code type} has no short form
     */
    DestinationSpec shortForm(String type, String name, String value);

    /** The path whose extension gives the flow's format when {@code format} is not set, or null. */
    String fileTemplate(DestinationSpec d);

    /** Why the destination cannot take a flow's files of {@code format}, or null when it can. */
    String refuses(DestinationSpec d, FileFormat format);
}
