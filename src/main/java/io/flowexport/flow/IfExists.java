package io.flowexport.flow;

/**
 * What publishing a file does when a file of the target's name already exists with other content
 * ({@code properties.export.if_exists}); applies to file destinations ({@code file_path}, {@code type = "file"}).
 * A target that holds exactly the new file's bytes is never a conflict: publishing it again leaves it as it is.
 * Without the key the default follows the export mode ({@link #defaultFor}).
 */
public enum IfExists implements TomlEnum {
    /** Replace the existing file (atomically, by a rename): a snapshot replaces the previous one. */
    OVERWRITE("overwrite"),
    /** Refuse: the run fails, publishes nothing and leaves its state; the existing file stays as it is. */
    FAIL("fail");

    private final String toml;

    IfExists(String toml) {
        this.toml = toml;
    }

    @Override
    public String toml() {
        return toml;
    }

    /**
     * The default of an export mode: {@code full} and {@code batch} exports are snapshots that replace the
     * previous file ({@link #OVERWRITE}); the incremental modes publish each batch range once, so a file of the same
     * name with other content is an earlier export that must not be lost silently ({@link #FAIL}), e.g. after
     * {@code state reset}.
     */
    public static IfExists defaultFor(ExportMode mode) {
        return mode.usesWatermark() ? FAIL : OVERWRITE;
    }
}
