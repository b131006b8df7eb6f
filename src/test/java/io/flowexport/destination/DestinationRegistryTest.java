package io.flowexport.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.destination.spi.DestinationRegistry;
import io.flowexport.destination.spi.Option;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.Secrets;
import io.flowexport.validate.FileOutcome;
import io.flowexport.validate.FlowLoader;
import io.flowexport.validate.ValidationContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered destination type, driven by its own declarations: a destination made of its required options'
 * examples (and its {@code auth} example) parses to the type's spec, validates, is described and is checked through
 * the facade, which hands it to the type's connector. No type is named here: a new type is covered by registering it.
 */
class DestinationRegistryTest {

    private static final DestinationRegistry REGISTRY = DestinationTypes.registry();
    private static final Map<String, String> VALUES = Map.of("flow_id", "orders", "batch_id", "44", "ds",
            "2026-11-21", "run_id", "r1");

    @TempDir
    Path dir;

    static Stream<Arguments> types() {
        List<Arguments> out = new ArrayList<>();
        for (DestinationProvider<?> p : REGISTRY.providers()) {
            p.types().forEach(t -> out.add(Arguments.of(t, p)));
        }
        return out.stream();
    }

    /**
     * The destination table of {@code type} as the examples of its options write it: the required options, the
     * first of each group of which one must be set (its default reads "one of ..."), and {@code auth} when not
     * {@code omitted}.
     */
    private static String table(String type, DestinationProvider<?> p, Option omitted) {
        StringBuilder sb = new StringBuilder("[properties.export.destination]\ntype = \"" + type + "\"\n");
        Set<String> groups = new HashSet<>();
        for (Option o : p.options(type)) {
            boolean firstOfGroup = o.defaultText().startsWith("one of ") && groups.add(o.defaultText());
            if (o != omitted && (o.required() || firstOfGroup || o.name().equals("auth"))) {
                sb.append(o.name()).append(" = ").append(o.example()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String table(String type, DestinationProvider<?> p) {
        return table(type, p, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void parsesValidatesDescribesAndChecksThroughItsOwnSpec(String type, DestinationProvider<?> p) {
        String text = "id = \"orders\"\n[properties.export]\nsource_dataset_id = \"orders\"\nformat = \"json\"\n"
                + table(type, p);
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), text,
                new ValidationContext(null, dir, null));

        assertThat(o.problems()).as(text).isEmpty();
        DestinationSpec d = o.flow().export().destinations().get(0);
        assertThat(d).isInstanceOf(p.specType());
        assertThat(d.type()).isEqualTo(type);
        assertThat(d.name()).isEqualTo(type);
        assertThat(REGISTRY.provider(d.type())).isSameAs(p);

        assertThat(Describe.destination(d, VALUES)).startsWith(type + " '" + type + "': ")
                .doesNotContain("null");

        // no secret resolves: a remote check fails before it connects, naming the reference; a file check writes
        // and removes its probe
        Secrets none = new Secrets(name -> null);
        String problem;
        try (LazyCamel camel = new LazyCamel()) {
            ConnectorContext ctx = new ConnectorContext(new FileDestination(dir), camel, none);
            Deliveries deliveries = new Deliveries(List.of(Deliveries.Bound.of(p, ctx)));
            problem = deliveries.check(d, VALUES);
        }
        // a type with a secret option, or whose keys hold secret references (a camel uri's options)
        if (p.options(type).stream()
                .anyMatch(opt -> opt.secret() || opt.required() && opt.example().contains("${env:"))) {
            assertThat(problem).as("check of " + type).isNotNull().contains("${env:");
        } else {
            assertThat(problem).as("check of " + type).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void everyOptionIsDeclaredOnceWithItsDocAndExample(String type, DestinationProvider<?> p) {
        List<String> names = p.options(type).stream().map(Option::name).toList();
        assertThat(names).doesNotHaveDuplicates().doesNotContain("type", "name", "ref");
        for (Option o : p.options(type)) {
            assertThat(o.doc()).as(type + "." + o.name()).isNotBlank();
            assertThat(o.example()).as(type + "." + o.name()).isNotBlank();
            if (o.required()) {
                assertThat(o.defaultValue()).as("a required key has no default: " + type + "." + o.name()).isNull();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void anUnknownKeyIsReportedWithTheNearestDeclaredOne(String type, DestinationProvider<?> p) {
        Option first = p.options(type).get(0);
        String wrong = first.name() + "x";
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), "id = \"orders\"\n[properties.export]\n"
                + "source_dataset_id = \"orders\"\nformat = \"json\"\n" + table(type, p) + wrong + " = 1\n",
                new ValidationContext(null, dir, null));
        assertThat(o.problems()).extracting(Object::toString).anySatisfy(s -> assertThat(s)
                .contains("properties.export.destination." + wrong + ": unknown key '" + wrong
                        + "'; did you mean '" + first.name() + "'?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aSecretWrittenInClearIsNeverDescribed(String type, DestinationProvider<?> p) {
        for (Option secret : p.options(type).stream().filter(Option::secret).toList()) {
            String literal = "Lit3ralS3cretValue";
            String text = "id = \"orders\"\n[properties.export]\nsource_dataset_id = \"orders\"\nformat = \"json\"\n"
                    + table(type, p, secret) + secret.name() + " = "
                    + secret.example().replaceAll("\\$\\{env:[A-Z_]+}", literal) + "\n";
            assertThat(secret.example()).as(type + "." + secret.name() + "'s example is a reference").contains("${env:");
            FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), text,
                    new ValidationContext(null, dir, null));
            assertThat(o.problems()).as(text).extracting(Object::toString)
                    .anySatisfy(w -> assertThat(w).contains("holds a secret in clear text"))
                    .allSatisfy(w -> assertThat(w).doesNotContain(literal));
            DestinationSpec d = o.flow().export().destinations().get(0);
            assertThat(Describe.destination(d, VALUES)).as(type + "." + secret.name()).doesNotContain(literal);
            assertThat(d.toString()).as(type + "." + secret.name()).doesNotContain(literal);
        }
    }

    /** A Camel context started when a connector first asks for it. */
    private static final class LazyCamel implements Supplier<CamelContext>, AutoCloseable {
        private CamelContext context;

        @Override
        public CamelContext get() {
            if (context == null) {
                context = new DefaultCamelContext();
                context.start();
            }
            return context;
        }

        @Override
        public void close() {
            if (context != null) {
                context.stop();
            }
        }
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> REGISTRY.provider("ftp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown destination type 'ftp'; known: " + String.join(", ", REGISTRY.types()));
        FileOutcome o = FlowLoader.parse(Path.of("flows/orders.toml"), "id = \"orders\"\n[properties.export]\n"
                + "source_dataset_id = \"orders\"\n[properties.export.destination]\ntype = \"ftp\"\n",
                new ValidationContext(null, dir, null));
        assertThat(o.problems()).extracting(Object::toString).anySatisfy(s -> assertThat(s)
                .contains("unknown destination type 'ftp'; known: " + String.join(", ", REGISTRY.types())));
    }

    @Test
    void twoProvidersWithOneTypeNameFailAtStart() {
        DestinationProvider<?> first = REGISTRY.providers().get(0);
        assertThatThrownBy(() -> new DestinationRegistry(List.of(first, REGISTRY.providers().get(1), first)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("two destination providers for type '" + first.types().get(0) + "'");
    }
}
