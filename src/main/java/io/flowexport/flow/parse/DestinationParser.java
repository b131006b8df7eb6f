package io.flowexport.flow.parse;

import io.flowexport.diag.Problems;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.DestinationCatalog;
import io.flowexport.flow.DestinationSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Reads destinations: {@code file_path}, {@code [properties.export.destination]},
 * {@code [[properties.export.destinations]]}, and the files of the destination catalogue. A destination with
 * {@code ref = "<name>"} starts from that catalogue entry and overrides the keys it sets ({@code headers} are
 * merged per header). Secrets must be references ({@code ${env:NAME}}, {@code ${file:/path}}): a literal secret
 * is a warning, a malformed reference an error.
 *
 * <p>What every destination has ({@code type}, {@code name}, {@code ref}, the catalogue entry) is read here; the
 * rest by the type's {@code DestinationProvider}, found in the file's registry of types, after the table's keys were
 * checked against the type's declared options.
 */
public final class DestinationParser {

    static final Set<String> COMMON = Set.of("type", "name", "ref");
    /** The type of {@code file_path}'s destination, and its name in the flow. */
    static final String FILE = "file";

    private DestinationParser() {
    }

    /**
     * The destinations of {@code [properties.export]}: the file of {@code file_path} (named {@code file}) first,
     * then {@code destination} or each of {@code destinations}. Entries with errors are left out (reported).
     *
     * @param filePath {@code file_path}, or null
     */
    static List<ExportDraft.Target> parseExport(TomlView export, String filePath, DestinationCatalog catalogue) {
        List<ExportDraft.Target> out = new ArrayList<>();
        Map<String, Integer> used = new HashMap<>();
        Set<String> explicit = new HashSet<>();
        if (filePath != null) {
            out.add(new ExportDraft.Target(export.key("file_path"),
                    export.context().destinations().shortForm(FILE, name(FILE, used), filePath)));
        }
        if (export.has("destination") && export.has("destinations")) {
            export.problems().error(export.pos("destinations"), export.key("destinations"), "use either one "
                    + "[properties.export.destination] or [[properties.export.destinations]], not both");
            return out;
        }
        if (export.has("destination")) {
            TomlView v = export.table("destination");
            if (v != null) {
                add(out, v, one(v, catalogue, used, explicit));
            }
        } else if (export.has("destinations")) {
            TomlArray array = export.array("destinations", "an array of tables ([[properties.export.destinations]])");
            for (int i = 0; array != null && i < array.size(); i++) {
                String path = export.key("destinations") + "[" + (i + 1) + "]";
                SourcePosition at = export.elementPos(array, i);
                if (!(array.get(i) instanceof TomlTable t)) {
                    export.problems().error(at, path, "expected a table ([[properties.export.destinations]]), "
                            + "found " + TomlView.typeName(array.get(i)));
                    continue;
                }
                TomlView v = new TomlView(t, path, at, export.context());
                add(out, v, one(v, catalogue, used, explicit));
            }
        }
        return out;
    }

    /**
     * One entry of the destination catalogue: a file whose top-level keys are one destination's ({@code type}
     * and the type's keys; no {@code name} or {@code ref}).
     *
     * @param text     the file's text
     * @param name     the entry's name (the file name without extension)
     * @param problems     receives every problem, with positions in the file
     * @param destinations the destination types {@code type} may name
     * @return the destination, or null when the file has errors
     */
    public static DestinationSpec parseCatalogueEntry(String text, String name, Problems problems,
                                                      DestinationReader destinations) {
        LenientToml.Parsed parsed = LenientToml.parse(text);
        if (!FlowParser.syntax(parsed, text, problems) || !TomlLimits.check(parsed, problems)) {
            return null;
        }
        TomlView root = new TomlView(parsed.toml(), "", SourcePosition.START,
                new TomlView.Context(parsed, problems, text.split("\n", -1), new FlowPositions(), null,
                        destinations));
        for (String k : List.of("name", "ref")) {
            if (root.has(k)) {
                problems.error(root.pos(k), k, "'" + k + "' is for destinations in flows; a catalogue entry is "
                        + "named by its file name ('" + name + "')");
            }
        }
        long before = problems.errorCount();
        DestinationSpec spec = build(root, null, name);
        return problems.errorCount() == before ? spec : null;
    }

    private static void add(List<ExportDraft.Target> out, TomlView v, DestinationSpec d) {
        if (d != null) {
            String k = v.has("url") ? "url" : "path";
            out.add(new ExportDraft.Target(v.has(k) ? v.key(k) : v.has("ref") ? v.key("ref") : v.path(), d));
        }
    }

    private static DestinationSpec one(TomlView v, DestinationCatalog catalogue, Map<String, Integer> used,
                                       Set<String> explicit) {
        DestinationSpec base = null;
        String ref = v.string("ref");
        if (ref != null) {
            base = catalogue == null ? null : catalogue.entries().get(ref);
            if (base == null) {
                String why = catalogue != null && catalogue.broken().containsKey(ref)
                        ? "catalogue entry '" + ref + "' (" + catalogue.broken().get(ref) + ") has errors; fix that file"
                        : "unknown destination '" + ref + "' in the catalogue" + Suggestions.hint(ref,
                                new TreeSet<>(catalogue == null ? Set.of() : catalogue.entries().keySet()),
                                "catalogue entries") + "; add destinations/" + ref + ".toml";
                v.problems().error(v.pos("ref"), v.key("ref"), why);
                return null;
            }
        }
        String name = v.string("name");
        if (name != null) {
            if (!FlowParser.ID.matcher(name).matches()) {
                v.problems().error(v.pos("name"), v.key("name"), "invalid destination name '" + name
                        + "'; use letters, digits, '_', '.' and '-'");
                return null;
            }
            if (!explicit.add(name) || used.containsKey(name)) {
                v.problems().error(v.pos("name"), v.key("name"), "two destinations are named '" + name
                        + "'; give each its own name");
                return null;
            }
            used.put(name, 1);
        }
        String fallback = ref != null ? ref : v.has("type") && v.raw("type") instanceof String t ? t : "destination";
        long before = v.problems().errorCount();
        DestinationSpec spec = build(v, base, name != null ? name : name(fallback, used));
        return v.problems().errorCount() == before ? spec : null;
    }

    /** {@code base}, or {@code base-2}, {@code base-3}... for the second and later unnamed destinations. */
    private static String name(String base, Map<String, Integer> used) {
        int n = used.merge(base, 1, Integer::sum);
        return n == 1 ? base : base + "-" + n;
    }

    private static DestinationSpec build(TomlView v, DestinationSpec base, String name) {
        DestinationReader registry = v.context().destinations();
        String type;
        if (v.has("type")) {
            type = v.string("type");
            if (type == null) {
                return null;
            }
            if (!registry.knows(type)) {
                v.problems().error(v.pos("type"), v.key("type"), "unknown destination type '" + type + "'; known: "
                        + String.join(", ", registry.types()));
                return null;
            }
            if (base != null && !type.equals(base.type())) {
                v.problems().error(v.pos("type"), v.key("type"), "type = \"" + type + "\" but catalogue "
                        + "entry '" + v.raw("ref") + "' is of type \"" + base.type() + "\"; remove type or ref");
                return null;
            }
        } else if (base != null) {
            type = base.type();
        } else {
            v.missing("type", "set type = " + spelled(registry.types()) + " (or ref = \"<catalogue entry>\")");
            return null;
        }
        String ref = base != null && v.raw("ref") instanceof String r ? r : null;
        Set<String> known = new HashSet<>(COMMON);
        known.addAll(registry.keys(type));
        v.checkKeys(known);
        return registry.parse(type, v, base, name, ref);
    }

    /** {@code "a", "b" or "c"}: the type names as a sentence. */
    private static String spelled(List<String> types) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            sb.append(i == 0 ? "" : i == types.size() - 1 ? " or " : ", ").append('"').append(types.get(i)).append('"');
        }
        return sb.toString();
    }
}
