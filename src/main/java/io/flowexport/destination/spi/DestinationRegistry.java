package io.flowexport.destination.spi;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.parse.DestinationReader;
import io.flowexport.flow.parse.TomlView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The destination types by name. Built once from the list of providers; two providers claiming one type name fail
 * the start, an unknown name is answered with the known ones.
 */
public final class DestinationRegistry implements DestinationReader {

    private final Map<String, DestinationProvider<?>> byType = new LinkedHashMap<>();
    private final List<DestinationProvider<?>> providers;

    /**
     * @param providers the destination types, in the order they are listed to users
     * @throws IllegalStateException when two providers claim one type name
     */
    public DestinationRegistry(List<DestinationProvider<?>> providers) {
        this.providers = List.copyOf(providers);
        for (DestinationProvider<?> p : providers) {
            for (String type : p.types()) {
                DestinationProvider<?> before = byType.putIfAbsent(type, p);
                if (before != null) {
                    throw new IllegalStateException("two destination providers for type '" + type + "': "
                            + before.getClass().getName() + " and " + p.getClass().getName());
                }
            }
        }
    }

    /** Every provider, in registration order. */
    public List<DestinationProvider<?>> providers() {
        return providers;
    }

    /** Every type name, in registration order ({@code file}, {@code http}, ...). */
    public List<String> types() {
        return new ArrayList<>(byType.keySet());
    }

    /** The provider of a type name, if one is registered. */
    public Optional<DestinationProvider<?>> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /**
     * The provider of a type name.
     *
     * @throws IllegalArgumentException when none is registered; the message lists the known types
     */
    public DestinationProvider<?> provider(String type) {
        DestinationProvider<?> p = byType.get(type);
        if (p == null) {
            throw new IllegalArgumentException("unknown destination type '" + type + "'; known: "
                    + String.join(", ", byType.keySet()));
        }
        return p;
    }

    @Override
    public boolean knows(String type) {
        return find(type).isPresent();
    }

    @Override
    public Set<String> keys(String type) {
        return Option.names(provider(type).options(type));
    }

    @Override
    public DestinationSpec parse(String type, TomlView v, DestinationSpec base, String name, String ref) {
        return parse(provider(type), type, v, base, name, ref);
    }

    private static <S extends DestinationSpec> S parse(DestinationProvider<S> p, String type, TomlView v,
                                                       DestinationSpec base, String name, String ref) {
        return p.parse(type, v, base == null ? null : typed(p, base), name, ref);
    }

    @Override
    public DestinationSpec shortForm(String type, String name, String value) {
        return provider(type).shortForm(name, value);
    }

    /**
     * {@code d} as the spec of its provider {@code p}.
     *
     * @throws ClassCastException when {@code d} is not of {@code p}'s spec type
     */
    public static <S extends DestinationSpec> S typed(DestinationProvider<S> p, DestinationSpec d) {
        return p.specType().cast(d);
    }

    /** {@link DestinationProvider#describe} of the destination's provider. */
    public String describe(DestinationSpec d, Map<String, String> values) {
        return describe(provider(d.type()), d, values);
    }

    private static <S extends DestinationSpec> String describe(DestinationProvider<S> p, DestinationSpec d,
                                                               Map<String, String> values) {
        return p.describe(typed(p, d), values);
    }

    /** {@link DestinationProvider#fileTemplate} of the destination's provider. */
    public String fileTemplate(DestinationSpec d) {
        return fileTemplate(provider(d.type()), d);
    }

    private static <S extends DestinationSpec> String fileTemplate(DestinationProvider<S> p, DestinationSpec d) {
        return p.fileTemplate(typed(p, d));
    }

    /** {@link DestinationProvider#refuses} of the destination's provider. */
    public String refuses(DestinationSpec d, FileFormat format) {
        return refuses(provider(d.type()), d, format);
    }

    private static <S extends DestinationSpec> String refuses(DestinationProvider<S> p, DestinationSpec d,
                                                              FileFormat format) {
        return p.refuses(typed(p, d), format);
    }

    /** {@link DestinationProvider#localFiles} of the destination's provider. */
    public Map<String, String> localFiles(DestinationSpec d) {
        return localFiles(provider(d.type()), d);
    }

    private static <S extends DestinationSpec> Map<String, String> localFiles(DestinationProvider<S> p,
                                                                              DestinationSpec d) {
        return p.localFiles(typed(p, d));
    }

    /** {@link DestinationProvider#namedColumns} of the destination's provider. */
    public Map<String, List<String>> namedColumns(DestinationSpec d) {
        return namedColumns(provider(d.type()), d);
    }

    private static <S extends DestinationSpec> Map<String, List<String>> namedColumns(DestinationProvider<S> p,
                                                                                      DestinationSpec d) {
        return p.namedColumns(typed(p, d));
    }
}
