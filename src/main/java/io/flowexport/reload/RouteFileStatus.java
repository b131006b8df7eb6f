package io.flowexport.reload;

import io.flowexport.diag.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the runner did with one operator route file the last time it was applied: an immutable snapshot.
 *
 * @param file          the route file, as the caller named it
 * @param version       {@link io.flowexport.flow.parse.FlowParser#version(byte[])} of the bytes now on disk
 * @param activeVersion version of the bytes whose routes run, or null when none of the file's routes run
 * @param routeIds      ids of the routes of {@code activeVersion}, in file order; empty when it is null
 * @param result        one of {@link #LOADED}, {@link #REPLACED}, {@link #UNCHANGED}, {@link #KEPT_LAST_GOOD},
 *                      {@link #NOT_LOADED}
 * @param problems      why {@code version} is not running; empty exactly when {@code version} is the active one
 * @param checkedAt     when the file was applied (UTC instant)
 */
public record RouteFileStatus(Path file, String version, String activeVersion, List<String> routeIds, String result,
                              List<Problem> problems, Instant checkedAt) {

    /** The file's routes were added; no earlier version of it was running. */
    public static final String LOADED = "loaded";
    /** The routes of an earlier version were replaced by this version's. */
    public static final String REPLACED = "replaced";
    /** The bytes are those of the running version: nothing was touched. */
    public static final String UNCHANGED = "unchanged";
    /** This version has problems; the routes of the last good version keep running. */
    public static final String KEPT_LAST_GOOD = "kept last good version";
    /** This version has problems and no version of the file runs. */
    public static final String NOT_LOADED = "not loaded";

    public RouteFileStatus {
        routeIds = List.copyOf(routeIds);
        problems = List.copyOf(problems);
    }

    /** True when the bytes on disk are the ones running. */
    public boolean live() {
        return version.equals(activeVersion);
    }
}
