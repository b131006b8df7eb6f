package io.flowexport.reload;

import io.flowexport.diag.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the runner made of one flow file at its last reload.
 *
 * @param file          the flow file
 * @param version       content hash of the bytes on disk (SHA-256, first 12 hex digits); null if unreadable
 * @param flowId        the flow id the file declares now, or null when it cannot be parsed
 * @param activeFlowId  the id of the flow from this file that is in force, or null when none is
 * @param activeVersion the content hash of the version in force, or null; differs from {@code version} while a
 *                      broken edit is kept out
 * @param result        the last reload's result, e.g. {@code added}, {@code replaced}, {@code unchanged},
 *                      {@code kept last good version}, {@code not loaded}, {@code not an export flow}
 * @param problems      the problems of the bytes on disk (errors keep the file's new version out)
 * @param checkedAt     when the file was last checked (UTC)
 */
public record FlowFileStatus(Path file, String version, String flowId, String activeFlowId, String activeVersion,
                             String result, List<Problem> problems, Instant checkedAt) {

    public FlowFileStatus {
        problems = List.copyOf(problems);
    }
}
