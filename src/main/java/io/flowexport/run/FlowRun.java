package io.flowexport.run;

import io.flowexport.dataset.Dataset;
import io.flowexport.flow.Flow;
import io.flowexport.query.ExportQuery;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One run of one flow while it is in progress: what {@link ExportRunner#prepare} worked out and what the export
 * has written so far. Used by one thread at a time.
 */
public final class FlowRun {
    final Flow flow;
    final String runId;
    final RunTrigger trigger;
    final long startNanos = System.nanoTime();
    Dataset dataset;
    ExportQuery query;
    OptionalLong watermark = OptionalLong.empty();
    Map<String, String> placeholders;
    String pathBeforeBatch;
    String copySql;
    String path;
    Path staged;
    long rows;
    Long firstBatch;
    Long lastBatch;

    FlowRun(Flow flow, String runId, RunTrigger trigger) {
        this.flow = flow;
        this.runId = runId;
        this.trigger = trigger;
    }

    /** The flow being run. */
    public Flow flow() {
        return flow;
    }

    /** The run's id, unique per run. */
    public String runId() {
        return runId;
    }

    /** What started the run. */
    public RunTrigger trigger() {
        return trigger;
    }

    /** The query of the run; null before {@link ExportRunner#prepare}. */
    public ExportQuery query() {
        return query;
    }

    /** The source dataset; null before {@link ExportRunner#prepare}. */
    public Dataset dataset() {
        return dataset;
    }

    /** The flow's watermark when the run started. */
    public OptionalLong watermark() {
        return watermark;
    }

    /** The COPY statement of a CSV export that takes PostgreSQL's COPY path; null for the generic path. */
    public String copySql() {
        return copySql;
    }

    /** Which export path the run takes and why, e.g. {@code PostgreSQL COPY ... TO STDOUT (FORMAT csv)}. */
    public String path() {
        return path;
    }

    /** The target path with every placeholder rendered except {@code {batch_id}}. */
    public String pathBeforeBatch() {
        return pathBeforeBatch;
    }

    /** The placeholder values of this run ({@code batch_id} excluded). */
    public Map<String, String> placeholders() {
        return placeholders;
    }
}
