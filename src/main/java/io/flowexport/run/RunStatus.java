package io.flowexport.run;

/** How a run ended. */
public enum RunStatus {
    /** A file was published (and the watermark moved, for incremental modes). */
    SUCCEEDED("ok"),
    /** Nothing new to export: no file published, watermark unchanged. */
    NOTHING_NEW("nothing new"),
    /** The run failed: no file published, watermark unchanged. */
    FAILED("failed"),
    /** Not started because a run of the same flow was still in progress. */
    SKIPPED("skipped");

    private final String label;

    RunStatus(String label) {
        this.label = label;
    }

    /** The word printed by run-once and logs. */
    public String label() {
        return label;
    }
}
