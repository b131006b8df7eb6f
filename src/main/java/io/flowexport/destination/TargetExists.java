package io.flowexport.destination;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A publish refused because a file with other content has the target's name and the flow does not replace it
 * ({@code if_exists = "fail"}); that file was left as it is and nothing was published at its name. The message
 * reads {@code <target> already exists with other content (<n> bytes there; this export: <m> bytes) and if_exists =
 * "fail"}; callers add whose run it was and what to do.
 */
public final class TargetExists extends IOException {

    private final Path target;
    private final long existingBytes;
    private final long newBytes;

    /**
     * @param target        the existing file, absolute
     * @param existingBytes its size in bytes
     * @param newBytes      the size in bytes of the file that was not published
     */
    public TargetExists(Path target, long existingBytes, long newBytes) {
        super(target + " already exists with other content (" + existingBytes + " bytes there; this export: "
                + newBytes + " bytes) and if_exists = \"fail\"");
        this.target = target;
        this.existingBytes = existingBytes;
        this.newBytes = newBytes;
    }

    /** The existing file, absolute. */
    public Path target() {
        return target;
    }

    /** Its size in bytes. */
    public long existingBytes() {
        return existingBytes;
    }

    /** The size in bytes of the file that was not published. */
    public long newBytes() {
        return newBytes;
    }
}
