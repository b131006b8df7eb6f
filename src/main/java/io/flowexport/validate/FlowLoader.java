package io.flowexport.validate;

import io.flowexport.flow.parse.FlowParser;
import io.flowexport.flow.parse.ParsedFlow;
import io.flowexport.flow.parse.SourcePosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads flow files: reads them (UTF-8), parses them with {@link FlowParser}, checks them with
 * {@link FlowValidator} and, for a directory, checks that flow ids are unique. Never throws for bad files: every
 * problem, including unreadable files, comes back as a {@link Problem}.
 */
public final class FlowLoader {

    private FlowLoader() {
    }

    /**
     * Loads every {@code *.toml} file of {@code flowsDir} (not recursively; hidden files, editor backups and
     * temporary files are skipped), sorted by file name. Two files with one flow id get an error each, and
     * neither flow is loaded.
     *
     * @return one outcome per file; a missing or unreadable directory gives one outcome with one error
     */
    public static FlowSet loadDirectory(Path flowsDir, ValidationContext ctx) {
        List<Path> files;
        try (Stream<Path> list = Files.list(flowsDir)) {
            files = list.filter(FlowLoader::isFlowFile).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException | RuntimeException e) {
            String why = Files.exists(flowsDir) ? "cannot list the flow directory: " + e.getMessage()
                    : "the flow directory does not exist; create it or pass the directory that holds the *.toml files";
            Problem p = new Problem(Severity.ERROR, flowsDir, 1, 1, "", why);
            return new FlowSet(List.of(new FileOutcome(flowsDir, null, null, null, List.of(p))));
        }
        List<Loaded> loaded = files.stream().map(f -> read(f, ctx)).toList();
        Map<String, List<Loaded>> byId = loaded.stream().filter(l -> l.parsed != null && l.parsed.id() != null)
                .collect(Collectors.groupingBy(l -> l.parsed.id(), LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Loaded>> e : byId.entrySet()) {
            if (e.getValue().size() > 1) {
                for (Loaded l : e.getValue()) {
                    String others = e.getValue().stream().filter(o -> o != l)
                            .map(o -> o.file.getFileName().toString()).collect(Collectors.joining(", "));
                    SourcePosition at = l.parsed.idPosition() != null ? l.parsed.idPosition() : SourcePosition.START;
                    l.problems.error(at, "id", "flow id '" + e.getKey() + "' is also used by " + others
                            + "; give each flow its own id (a file without id takes its file name)");
                }
            }
        }
        return new FlowSet(loaded.stream().map(Loaded::outcome).toList());
    }

    /** Reads, parses and checks one flow file. */
    public static FileOutcome loadFile(Path file, ValidationContext ctx) {
        return read(file, ctx).outcome();
    }

    /** Parses and checks {@code text} as if read from {@code file}; does not touch the disk. */
    public static FileOutcome parse(Path file, String text, ValidationContext ctx) {
        return check(file, text, FlowParser.version(text.getBytes(StandardCharsets.UTF_8)), ctx).outcome();
    }

    static boolean isFlowFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".toml") && !name.startsWith(".") && !name.startsWith("#") && !name.startsWith("~")
                && Files.isRegularFile(p);
    }

    private static Loaded read(Path file, ValidationContext ctx) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return failed(file, null, "cannot read the flow file: " + e + "; check that it exists and is readable");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return failed(file, FlowParser.version(bytes), "the file is not valid UTF-8 (bad byte at offset " + in.position()
                    + "); save it as UTF-8");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some editors write; not TOML
        }
        return check(file, text, FlowParser.version(bytes), ctx);
    }

    private static Loaded failed(Path file, String version, String message) {
        Problems problems = new Problems(file);
        problems.error(SourcePosition.START, "", message);
        return new Loaded(file, version, null, problems);
    }

    private static Loaded check(Path file, String text, String version, ValidationContext ctx) {
        ParsedFlow parsed = FlowParser.parse(file, text, version, ctx.destinations());
        Problems problems = new Problems(file);
        problems.addAll(parsed.problems());
        problems.addAll(FlowValidator.validate(parsed, ctx));
        return new Loaded(file, version, parsed, problems);
    }

    /** One file on its way to a {@link FileOutcome}; problems may still be added (duplicate ids). */
    private record Loaded(Path file, String version, ParsedFlow parsed, Problems problems) {
        FileOutcome outcome() {
            boolean ok = !problems.hasErrors() && parsed != null;
            return new FileOutcome(file, version, parsed != null ? parsed.id() : null, ok ? parsed.flow() : null,
                    problems.sorted());
        }
    }
}
