package io.flowexport.flow;

import java.nio.file.Path;
import java.util.List;

/**
 * One flow file, parsed. Immutable; built only by the flow parser after validation.
 *
 * @param id          unique id; from {@code id}, or the file name without extension for a fragment
 * @param name        display name; defaults to the id
 * @param type        flow type; only {@link FlowType#EXPORT_FLOW} flows are run
 * @param namespace   the flow's namespace (the {@code {namespace}} placeholder); default {@code public}
 * @param description free text, may be null
 * @param file        the file the flow was read from
 * @param version     content hash of the file (SHA-256, first 12 hex digits)
 * @param export      the export settings; null when the flow is not an export flow
 * @param triggers    the triggers, in file order; empty means the flow runs only when asked
 */
public record Flow(String id, String name, FlowType type, String namespace, String description, Path file,
                   String version, ExportSpec export, List<TriggerSpec> triggers) {

    public Flow {
        triggers = List.copyOf(triggers);
    }

    /** True when this runner runs the flow. */
    public boolean isExport() {
        return type == FlowType.EXPORT_FLOW && export != null;
    }
}
