package io.flowexport.destination.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowexport.dataset.Column;
import io.flowexport.destination.Shipment;
import java.time.Instant;
import java.util.Base64;

/**
 * The manifest of one delivered export, written after the data file so that readers can take an export only once
 * it is complete (see README, "Manifest"). Shape (JSON object):
 * <pre>
 * {"manifest_version": 1, "flow_id", "run_id", "dataset", "export_mode", "format", "created_at" (UTC ISO-8601),
 *  "batch_range": {"first", "last"} or null, "rows", "bytes",
 *  "files": [{"path", "url", "rows", "bytes", "content_md5" (base64), "sha256" (hex)}],
 *  "schema": [{"name", "type" (the database's), "logical_type", "nullable", "precision", "scale"}]}
 * </pre>
 */
final class Manifest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Manifest() {
    }

    /** The manifest's UTF-8 bytes for {@code s}, delivered to {@code path} ({@code url} as shown to people). */
    static byte[] json(Shipment s, String path, String url, Checksums sums) {
        ObjectNode m = JSON.createObjectNode();
        m.put("manifest_version", 1);
        m.put("flow_id", s.flowId());
        m.put("run_id", s.runId());
        m.put("dataset", s.datasetId());
        m.put("export_mode", s.mode().toml());
        m.put("format", s.format() == io.flowexport.flow.FileFormat.JSON && s.jsonl() ? "jsonl" : s.format().toml());
        m.put("created_at", Instant.now().toString());
        if (s.firstBatch() != null) {
            ObjectNode r = m.putObject("batch_range");
            r.put("first", s.firstBatch());
            r.put("last", s.lastBatch());
        } else {
            m.putNull("batch_range");
        }
        m.put("rows", s.rows());
        m.put("bytes", sums.size());
        ObjectNode f = m.putArray("files").addObject();
        f.put("path", path);
        f.put("url", url);
        f.put("rows", s.rows());
        f.put("bytes", sums.size());
        f.put("content_md5", Base64.getEncoder().encodeToString(sums.md5()));
        f.put("sha256", sums.sha256Hex());
        ArrayNode schema = m.putArray("schema");
        for (Column c : s.columns()) {
            ObjectNode col = schema.addObject();
            col.put("name", c.name());
            col.put("type", c.sqlType());
            col.put("logical_type", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            col.put("nullable", c.nullable());
            if (c.precision() > 0) {
                col.put("precision", c.precision());
                col.put("scale", c.scale());
            }
        }
        try {
            return JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
