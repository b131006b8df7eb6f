package io.flowexport.validate;

import io.flowexport.destination.DestinationTypes;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Problems;
import io.flowexport.diag.Severity;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.parse.FlowParser;
import io.flowexport.flow.parse.NearestKey;
import io.flowexport.flow.parse.ParsedFlow;
import java.io.IOException;
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
 * Loads flow files: reads them ({@link FlowFileReader}: small UTF-8 text files only), parses them with
 * {@link FlowParser}, checks them with {@link FlowValidator} and, for a directory, checks that flow ids are unique.
 * Never throws for bad files: every problem, including unreadable files, comes back as a {@link Problem}; a file
 * reports at most {@value #MAX_PROBLEMS} problems and a count of the rest.
 */
public final class FlowLoader {

    /** Problems reported per file; more are counted in one last problem. */
    static final int MAX_PROBLEMS = 100;

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
        FlowFileReader.Result r = FlowFileReader.read(file);
        if (r.text() == null) {
            Problems problems = new Problems(file);
            problems.error(r.at(), NearestKey.NONE, r.problem());
            return new Loaded(file, r.version(), null, problems);
        }
        return check(file, r.text(), r.version(), ctx);
    }

    private static Loaded check(Path file, String text, String version, ValidationContext ctx) {
        Problems problems = new Problems(file);
        try {
            ParsedFlow parsed = FlowParser.parse(file, text, version, ctx.destinations(),
                    DestinationTypes.registry());
            problems.addAll(parsed.problems());
            problems.addAll(FlowValidator.validate(parsed, ctx));
            return new Loaded(file, version, parsed, problems);
        } catch (RuntimeException | StackOverflowError e) {
            // a bug met by a strange file must cost that file only, never the other flows or the runner
            problems.error(SourcePosition.START, NearestKey.NONE, "this file could not be checked: " + e
                    + "; the flow is not loaded: simplify the file, and report the problem with the file attached");
            return new Loaded(file, version, null, problems);
        }
    }

    /**
     * At most the first {@code max} of {@code problems}, by position, and one more that counts the rest: a file
     * with thousands of problems (a long list of bad column names, a file that is not a flow) stays readable.
     */
    static List<Problem> capped(List<Problem> problems, int max) {
        if (problems.size() <= max) {
            return problems;
        }
        List<Problem> out = new ArrayList<>(problems.subList(0, max));
        List<Problem> rest = problems.subList(max, problems.size());
        Problem next = rest.get(0);
        boolean errors = rest.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        out.add(new Problem(errors ? Severity.ERROR : Severity.WARNING, next.file(), next.line(), next.column(),
                NearestKey.NONE, rest.size() + " more problem(s) from here on are not shown; fix the ones above and "
                + "validate again"));
        return out;
    }

    /** One file on its way to a {@link FileOutcome}; problems may still be added (duplicate ids). */
    private record Loaded(Path file, String version, ParsedFlow parsed, Problems problems) {
        FileOutcome outcome() {
            boolean ok = !problems.hasErrors() && parsed != null;
            return new FileOutcome(file, version, parsed != null ? parsed.id() : null, ok ? parsed.flow() : null,
                    capped(problems.sorted(), MAX_PROBLEMS));
        }
    }
}
