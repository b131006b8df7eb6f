package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.ExportSpec;
import io.flowexport.flow.Flow;
import io.flowexport.flow.FlowType;
import io.flowexport.flow.TriggerSpec;
import io.flowexport.diag.Problems;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the text of one flow file into a {@link Flow}, checking its shape: TOML syntax (lenient about the
 * reference's comma-less multi-line inline tables, see {@link LenientToml}), known keys, value types, enum
 * spellings, required keys, cron expressions and time zones. Checks that need the database or the export
 * directory are done later on the returned {@link ExportDraft}. Every problem is collected; none stops parsing,
 * except a TOML syntax error, after which only the syntax errors are reported (the tree would be partial).
 *
 * <p>Flows of another {@code flow_type} ({@code change_feed}, {@code delta_publishing}) come back with
 * {@code export == null}; apart from {@code id}, {@code name}, {@code namespace} and {@code description}, their
 * keys are not checked.
 */
public final class FlowParser {

    /** The pattern of flow ids and namespaces. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /**
     * The largest flow file (and destination catalogue file) read, in bytes: a bigger file is refused before it
     * is parsed. A real flow file is a few KiB; one that lists 1,600 columns of 63 characters (PostgreSQL's limits)
     * takes 105 KiB. Parsing costs about a second per MiB of hostile text, on every reload of the flow directory.
     */
    public static final int MAX_FILE_BYTES = 256 * 1024;

    static final Set<String> TOP_KEYS =
            Set.of("id", "name", "flow_type", "namespace", "description", "input", "properties", "triggers");

    private FlowParser() {
    }

    /**
     * Parses {@code text} read from {@code file}, resolving destinations' {@code ref} in {@code catalogue}.
     *
     * @param version      the flow version to record, see {@link #version(byte[])}
     * @param destinations the destination types a destination's {@code type} may name
     */
    public static ParsedFlow parse(Path file, String text, String version,
                                   io.flowexport.flow.DestinationCatalog catalogue,
                                   DestinationReader destinations) {
        Problems problems = new Problems(file);
        FlowPositions positions = new FlowPositions();
        if (text.length() > MAX_FILE_BYTES) {
            problems.error(SourcePosition.START, NearestKey.NONE, tooLarge(text.length() + " characters"));
            return new ParsedFlow(file, null, null, FlowType.EXPORT_FLOW, null, null, positions, problems.sorted());
        }
        LenientToml.Parsed parsed = LenientToml.parse(text);
        if (!syntax(parsed, text, problems) || !TomlLimits.check(parsed, problems)) {
            return new ParsedFlow(file, null, null, FlowType.EXPORT_FLOW, null, null, positions, problems.sorted());
        }
        TomlView root = new TomlView(parsed.toml(), "", SourcePosition.START,
                new TomlView.Context(parsed, problems, text.split("\n", -1), positions, catalogue,
                        destinations));

        FlowType type = root.has("flow_type")
                ? root.enumValue("flow_type", FlowType.class, "flow_type") : FlowType.EXPORT_FLOW;
        if (type == null) {
            type = FlowType.EXPORT_FLOW; // reported; go on checking as an export flow
        }
        String id = id(root, file);
        String name = root.string("name");
        String namespace = root.string("namespace");
        if (namespace != null && !ID.matcher(namespace).matches()) {
            problems.error(root.pos("namespace"), "namespace", "invalid namespace '" + namespace
                    + "'; use letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
        String description = root.string("description");

        ExportSpecParser.Result export = null;
        List<TriggerSpec> triggers = List.of();
        if (type == FlowType.EXPORT_FLOW) {
            root.checkKeys(TOP_KEYS);
            export = exportTable(root);
            triggers = TriggerParser.parse(root);
        }
        Flow flow = null;
        ExportSpec spec = export == null ? null : export.spec();
        if (!problems.hasErrors() && (type != FlowType.EXPORT_FLOW || spec != null)) {
            flow = new Flow(id, name != null ? name : id, type, namespace != null ? namespace : "public",
                    description, file, version, spec, triggers);
        }
        return new ParsedFlow(file, id, root.has("id") ? root.pos("id") : null, type, flow,
                export == null ? null : export.draft(), positions, problems.sorted());
    }

    /**
     * Reports the syntax errors of {@code parsed}, each with the key nearest before it ({@link NearestKey}).
     *
     * @return true when there were none
     */
    static boolean syntax(LenientToml.Parsed parsed, String text, Problems problems) {
        for (SyntaxError e : parsed.errors()) {
            String todo = e.message().contains(" previously defined at ")
                    ? "; a key is set once per table: remove one of the two" : "";
            problems.error(e.position(), NearestKey.at(text, e.position()), "invalid TOML: " + e.message() + todo);
        }
        return !parsed.hasErrors();
    }

    /**
     * The message for a file over {@link #MAX_FILE_BYTES}.
     *
     * @param size the file's size with its unit, e.g. "300000 bytes"
     */
    public static String tooLarge(String size) {
        return "the file is too large (" + size + "); flow and destination files have at most " + MAX_FILE_BYTES
                + " bytes (256 KiB), a bigger one is not read: is this the right file? keep one flow per file";
    }

    private static String id(TomlView root, Path file) {
        if (root.has("id")) {
            String id = root.string("id");
            if (id != null && !ID.matcher(id).matches()) {
                root.problems().error(root.pos("id"), "id", "invalid flow id '" + id
                        + "'; use letters, digits, '_', '.' and '-', starting with a letter or digit");
            }
            return id != null ? id : baseName(file);
        }
        String id = baseName(file);
        if (!ID.matcher(id).matches()) {
            root.problems().error(SourcePosition.START, "id", "the file name '" + id + "' is not a valid flow id;"
                    + " add id = \"<letters, digits, _ . ->\" or rename the file");
        }
        return id;
    }

    private static ExportSpecParser.Result exportTable(TomlView root) {
        TomlView properties = root.table("properties");
        if (properties == null) {
            if (!root.has("properties")) {
                root.problems().error(SourcePosition.START, "properties.export", "missing table "
                        + "[properties.export]; an export flow needs source_dataset_id and file_path there");
            }
            return null;
        }
        properties.checkKeys(Set.of("export"));
        TomlView export = properties.table("export");
        if (export == null) {
            if (!properties.has("export")) {
                root.problems().error(properties.header(), "properties.export", "missing table "
                        + "[properties.export]; an export flow needs source_dataset_id and file_path there");
            }
            return null;
        }
        return ExportSpecParser.parse(export);
    }

    /** The file name without its last extension. */
    public static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The first 12 hex digits of the SHA-256 of {@code bytes}: a flow's version. */
    public static String version(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
