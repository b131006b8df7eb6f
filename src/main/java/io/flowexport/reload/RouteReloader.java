package io.flowexport.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the operator routes in line with the route directory: files that are gone have their routes removed
 * first (so a renamed file's route ids are free again), then every {@code *.yaml} file is
 * applied through {@link OperatorRoutes} (which leaves unchanged files alone). Hidden files, editor backups and
 * temporary files are skipped. One thread calls {@link #reload}.
 */
public final class RouteReloader {

    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.reload");

    private final Path dir;
    private final OperatorRoutes routes;
    private Set<Path> known = new LinkedHashSet<>();

    /**
     * @param dir    the route directory; it may not exist (then no operator route runs)
     * @param routes loads the files' routes into the Camel context
     */
    public RouteReloader(Path dir, OperatorRoutes routes) {
        this.dir = dir;
        this.routes = routes;
    }

    /** Applies what changed in the route directory since the last call. */
    public void reload() {
        List<Path> files = list();
        for (Path gone : known) {
            if (!files.contains(gone)) {
                List<String> ids = routes.remove(gone);
                LOG.info("operator routes of {} removed (file deleted): {}", gone, ids);
            }
        }
        Set<Path> now = new LinkedHashSet<>();
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                continue; // deleted or replaced while listing: the next event or rescan sees it
            }
            routes.apply(f, bytes);
            now.add(f);
        }
        known = now;
    }

    /** True for a file name an operator route file may have: not hidden, not an editor backup or temp file. */
    public static boolean isRouteFile(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") && !name.startsWith(".") && !name.startsWith("#")
                && !name.startsWith("~") && Files.isRegularFile(p);
    }

    private List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(RouteReloader::isRouteFile).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}; the operator routes in force stay", dir, e.getMessage());
            return new ArrayList<>(known);
        }
    }
}
