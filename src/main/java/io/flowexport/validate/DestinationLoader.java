package io.flowexport.validate;

import io.flowexport.destination.DestinationTypes;
import io.flowexport.diag.Problem;
import io.flowexport.diag.Problems;
import io.flowexport.diag.Severity;
import io.flowexport.diag.SourcePosition;
import io.flowexport.flow.DestinationCatalog;
import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.parse.DestinationParser;
import io.flowexport.flow.parse.FlowParser;
import io.flowexport.flow.parse.NearestKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the destination catalogue: every {@code *.toml} file of the catalogue directory is one destination,
 * named by its file name without extension ({@code destinations/ingest_api.toml} is {@code ingest_api}). Never
 * throws for bad files: problems come back per file. A missing directory is an empty catalogue.
 */
public final class DestinationLoader {

    private DestinationLoader() {
    }

    /**
     * The catalogue and the outcome of each file.
     *
     * @param catalogue the valid entries, and the names of the broken ones
     * @param files     one outcome per file, sorted by name ({@link FileOutcome#flowId()} holds the entry name,
     *                  {@link FileOutcome#flow()} is always null)
     */
    public record Loaded(DestinationCatalog catalogue, List<FileOutcome> files) {
    }

    /** Loads {@code dir}; see the class comment. */
    public static Loaded loadDirectory(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return new Loaded(DestinationCatalog.EMPTY, List.of());
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(FlowLoader::isFlowFile).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            Problem p = new Problem(Severity.ERROR, dir, 1, 1, "", "cannot list the destination catalogue: "
                    + e.getMessage());
            return new Loaded(DestinationCatalog.EMPTY, List.of(new FileOutcome(dir, null, null, null, List.of(p))));
        }
        Map<String, DestinationSpec> entries = new HashMap<>();
        Map<String, Path> broken = new HashMap<>();
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Path f : files) {
            String name = FlowParser.baseName(f);
            Problems problems = new Problems(f);
            String version = null;
            DestinationSpec spec = null;
            FlowFileReader.Result read = FlowFileReader.read(f);
            version = read.version();
            if (read.text() == null) {
                problems.error(read.at(), NearestKey.NONE, read.problem());
            } else if (!FlowParser.ID.matcher(name).matches()) {
                problems.error(io.flowexport.diag.SourcePosition.START, "", "the file name '" + name
                        + "' is not a valid destination name; use letters, digits, '_', '.' and '-'");
            } else {
                try {
                    spec = DestinationParser.parseCatalogueEntry(read.text(), name, problems,
                            DestinationTypes.registry());
                } catch (RuntimeException | StackOverflowError e) {
                    // as in FlowLoader: a strange file costs that entry only
                    problems.error(io.flowexport.diag.SourcePosition.START, NearestKey.NONE, "this file "
                            + "could not be checked: " + e + "; simplify it, and report the problem with the file");
                }
            }
            if (spec != null && !problems.hasErrors()) {
                entries.put(name, spec);
            } else {
                broken.put(name, f);
            }
            outcomes.add(new FileOutcome(f, version, name, null, problems.sorted()));
        }
        return new Loaded(new DestinationCatalog(entries, broken), outcomes);
    }
}
