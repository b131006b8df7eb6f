package io.flowexport.cli;

import io.flowexport.flow.DestinationSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.Flow;
import io.flowexport.flow.PathTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The values that a flow's destination paths take in a run, as far as {@code plan} and {@code check} know them
 * without reading the source: {@code {batch_id}} is known before the read only in {@code batch} mode (the flow's
 * {@code batch_id}); otherwise it is the highest batch the run reads, and these say so.
 */
final class TargetPaths {

    private TargetPaths() {
    }

    /**
     * {@code values} with {@code batch_id} added when the flow's mode fixes it ({@code batch}).
     *
     * @param values placeholder values without {@code batch_id} (e.g. {@code ExportRunner#placeholders})
     * @return a new map; {@code batch_id} is the flow's {@code batch_id} in batch mode, absent otherwise
     */
    static Map<String, String> known(Flow flow, Map<String, String> values) {
        Map<String, String> v = new HashMap<>(values);
        if (flow.export().exportMode() == ExportMode.BATCH) {
            v.put("batch_id", String.valueOf(flow.export().batchId()));
        }
        return v;
    }

    /** True when {@code d}'s path uses {@code {batch_id}} and {@code values} do not give it. */
    static boolean batchUnknown(DestinationSpec d, Map<String, String> values) {
        return !values.containsKey("batch_id") && new PathTemplate(d.template()).uses("batch_id");
    }

    /**
     * What {@code {batch_id}} will be in the next run when it is not known before the read.
     *
     * @param watermark the flow's watermark (incremental modes), or empty
     * @return e.g. {@code {batch_id} = the highest batch the run reads (above watermark 41)}
     */
    static String batchNote(Flow flow, OptionalLong watermark) {
        ExportMode mode = flow.export().exportMode();
        if (mode.usesWatermark()) {
            return "{batch_id} = the highest batch the run reads (" + (watermark.isPresent()
                    ? "above watermark " + watermark.getAsLong() : "no watermark yet: from the first batch") + ")";
        }
        return "{batch_id} = the highest batch in the dataset when the run reads it";
    }
}
