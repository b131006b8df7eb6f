package io.flowexport.destination;

import java.nio.file.Path;

/**
 * A file {@link FileDestination#publish(Path, String, String, io.flowexport.flow.IfExists) published} under the
 * export directory, and what happened at its name.
 *
 * @param path          the target, absolute
 * @param outcome       what happened at its name
 * @param bytes         its size in bytes
 * @param replacedBytes the size in bytes of the file it replaced ({@link Outcome#REPLACED}), else -1
 */
public record Published(Path path, Outcome outcome, long bytes, long replacedBytes) {

    /** A delivery's detail when the file was published under a name no file had. */
    public static final String DETAIL = "published";

    /** What publishing did at the target's name. */
    public enum Outcome {
        /** No file had the name: the new file has it now. */
        CREATED,
        /** A file had the name and was replaced ({@code if_exists = "overwrite"}; its content was not compared). */
        REPLACED,
        /**
         * The target already held exactly these bytes ({@code if_exists = "fail"}): it was left as it is and the
         * staged file deleted.
         */
        UNCHANGED
    }

    /**
     * The words for a delivery's detail, the run history and the run line: {@value #DETAIL}, or what happened
     * instead, e.g. {@code replaced an existing file of 4907 bytes}.
     */
    public String detail() {
        return switch (outcome) {
            case CREATED -> DETAIL;
            case REPLACED -> "replaced an existing file of " + replacedBytes + " bytes";
            case UNCHANGED -> "already there with the same " + bytes + " bytes; left as it was";
        };
    }
}
