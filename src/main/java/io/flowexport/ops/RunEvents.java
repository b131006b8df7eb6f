package io.flowexport.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every finished run as an event on the Camel endpoint {@value #ENDPOINT}, where operator routes
 * (in {@code routes/}) consume it with {@code from: seda:flowexport-runs?multipleConsumers=true}: each such route
 * gets every event, asynchronously, so a slow operator route never holds up a run.
 *
 * <p>The body is the event as JSON text ({@code Content-Type: application/json}); see {@link #toJson} for its
 * fields. The main fields are also headers ({@code FlowExportFlowId}, {@code FlowExportRunId},
 * {@code FlowExportStatus}, {@code FlowExportRows}, {@code FlowExportBytes}, {@code FlowExportBatchRange}), for
 * filters and choices in the simple language. Events are discarded when no route consumes them, and when 1000
 * are waiting (a stuck operator route): running exports matter more than their notifications.
 */
public final class RunEvents {

    /** The endpoint runs are published on; consumers add {@code ?multipleConsumers=true}. */
    public static final String ENDPOINT = "seda:flowexport-runs";

    private static final Logger LOG = LoggerFactory.getLogger(RunEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PRODUCER_URI = ENDPOINT
            + "?multipleConsumers=true&discardIfNoConsumers=true&discardWhenFull=true&blockWhenFull=false";

    private final CamelContext context;
    private final ProducerTemplate template;
    private final Path exportDir;

    /**
     * @param context   the running Camel context
     * @param exportDir files in events are given relative to it when they are under it
     */
    public RunEvents(CamelContext context, Path exportDir) {
        this.context = context;
        this.template = context.createProducerTemplate();
        this.exportDir = exportDir;
    }

    /** Publishes the event of {@code result}; never throws (a failed publication is logged). */
    public void publish(RunResult result) {
        try {
            Exchange e = new DefaultExchange(context);
            e.getMessage().setBody(JSON.writeValueAsString(toJson(result, exportDir)));
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setHeader("FlowExportFlowId", result.flowId());
            e.getMessage().setHeader("FlowExportRunId", result.runId());
            e.getMessage().setHeader("FlowExportStatus", result.status().label());
            e.getMessage().setHeader("FlowExportRows", result.rows());
            e.getMessage().setHeader("FlowExportBytes", result.bytes());
            e.getMessage().setHeader("FlowExportBatchRange", result.batchRange());
            template.send(PRODUCER_URI, e);
            if (e.getException() != null) {
                throw e.getException();
            }
        } catch (Exception ex) {
            LOG.warn("flow '{}': cannot publish the event of run {}: {}", result.flowId(), result.runId(),
                    ex.getMessage());
        }
    }

    /**
     * The event of a run as a JSON object:
     * {@code flow_id}, {@code flow_version} (content hash of the flow file version the run used), {@code run_id},
     * {@code trigger} ({@code schedule}, {@code interval}, {@code manual}, {@code http}), {@code status}
     * ({@code ok}, {@code nothing new}, {@code failed}, {@code skipped}), {@code started_at} and
     * {@code finished_at} (ISO-8601 UTC), {@code seconds}, {@code rows}, {@code bytes}, {@code files} (local
     * files published, relative to the export directory, and lake files' URLs), {@code destinations}
     * (per destination: {@code name}, {@code type}, {@code target}, {@code ok}, {@code detail}),
     * {@code first_batch} and {@code last_batch} (null without batches), {@code batch_range} ({@code 41..43}, {@code 41} or {@code -}), {@code error} (why it failed;
     * null unless {@code status} is {@code failed}), {@code message} (why it failed, was skipped or published
     * nothing; for a run that published, what else there is to say: a replayed or re-sent earlier run, a file
     * destination's target that had a file already; else null).
     */
    public static ObjectNode toJson(RunResult r, Path exportDir) {
        ObjectNode n = JSON.createObjectNode();
        n.put("flow_id", r.flowId());
        n.put("flow_version", r.flowVersion());
        n.put("run_id", r.runId());
        n.put("trigger", r.trigger());
        n.put("status", r.status().label());
        n.put("started_at", r.startedAt().toString());
        n.put("finished_at", r.finishedAt().toString());
        n.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        n.put("rows", r.rows());
        n.put("bytes", r.bytes());
        var files = n.putArray("files");
        RunHistory.toRecord(r, exportDir).files().forEach(files::add);
        var destinations = n.putArray("destinations");
        for (var d : r.deliveries()) {
            destinations.addObject().put("name", d.name()).put("type", d.type())
                    .put("target", io.flowexport.flow.Secrets.redact(d.target())).put("ok", d.ok())
                    .put("detail", io.flowexport.flow.Secrets.redact(d.detail()));
        }
        n.put("first_batch", r.firstBatch());
        n.put("last_batch", r.lastBatch());
        n.put("batch_range", r.batchRange());
        n.put("error", r.status() == RunStatus.FAILED ? r.message() : null);
        n.put("message", r.message());
        return n;
    }
}
