package io.flowexport.destination;

import java.nio.file.Path;

/**
 * What one destination did with a shipment.
 *
 * @param name      the destination's name in the flow
 * @param type      its type as TOML spells it ({@code file}, {@code http}, ...)
 * @param target    where it went: the file's path relative to the export directory, or the URL (user info
 *                  masked)
 * @param ok        true when the destination has the whole file
 * @param chunks    chunks (requests of record batches) the destination acknowledged, including earlier ones;
 *                  1 for a whole file
 * @param status    the last HTTP status, or null
 * @param detail    what happened, e.g. {@code HTTP 200, 3 requests} or why it failed (secrets masked); the
 *                  first 1 KB of a failed response's body is included
 * @param published the published file for a file destination, or null
 */
public record Delivered(String name, String type, String target, boolean ok, int chunks, Integer status,
                       String detail, Path published) {
}
