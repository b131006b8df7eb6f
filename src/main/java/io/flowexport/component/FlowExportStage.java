package io.flowexport.component;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The stages of a run, one {@code flowexport:<stage>} endpoint each, in the order a route calls them. */
public enum FlowExportStage {
    /** Takes the flow's run slot and pins the flow's version; a skipped run ends here. */
    BEGIN,
    /** Prepares the query and writes the staged file (stream or COPY), or takes up a pending delivery. */
    EXPORT,
    /** Sends the staged file to one destination. */
    DELIVER,
    /** Moves the watermark when every destination has the file, or keeps it as a pending delivery. */
    COMMIT,
    /** Records a failed run: deletes its staged file, leaves the watermark. */
    FAIL,
    /** Frees the flow's run slot and reports the run's result. */
    END;

    /** The stage's name in URIs, e.g. {@code export}. */
    public String uriName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage called {@code name} in URIs, or null. */
    static FlowExportStage of(String name) {
        return Arrays.stream(values()).filter(s -> s.uriName().equals(name)).findFirst().orElse(null);
    }

    static String names() {
        return Arrays.stream(values()).map(FlowExportStage::uriName).collect(Collectors.joining(", "));
    }
}
