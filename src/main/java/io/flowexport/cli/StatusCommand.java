package io.flowexport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code status}: asks the running {@code run} process (its HTTP API, {@code GET /status}) what it runs and prints
 * one block per flow file (flow, version, reload result and problems, state, triggers with their next fire time,
 * last run) and per operator route file. Exit code 0; 1 when some file has problems; 2 when no runner answers.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Ask the running runner what it runs.",
        description = {"Show what the running runner runs: each flow file's version, reload result and problems, "
                + "state, triggers and next fire times, and last run; and each operator route file."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--url", paramLabel = "URL",
            description = "The runner's HTTP API. Default: http://<flowexport.http.host>:<flowexport.http.port>.")
    String url;

    @Option(names = "--json", description = "Print the status as JSON, as GET /status returns it.")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "FLOW_ID", description = "Show only this flow.")
    String flowId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String base = url;
        Settings settings = common.settings();
        if (base == null) {
            Settings.Live live = settings.live();
            base = "http://" + live.httpHost() + ":" + live.httpPort();
        }
        base = base.replaceAll("/+$", "");
        String path = flowId == null ? "/status" : "/flows/" + flowId;
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(10)).GET();
            if (settings.httpToken().isSet()) {
                request.header("Authorization", settings.httpToken().authorization());
            }
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("no runner answers at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? ": " + e.getMessage() : "") + "); start one with `run`, or pass "
                    + "its address with --url or flowexport.http.host / flowexport.http.port");
            return 2;
        }
        if (response.statusCode() == 401) {
            err.println("the runner at " + base + " refused the request (401): "
                    + (settings.httpToken().isSet() ? "its token differs from flowexport.http.token here"
                    : "it asks for a token; set flowexport.http.token (FLOWEXPORT_HTTP_TOKEN) to the runner's"));
            return 2;
        }
        // made here, not in a static field: picocli makes every command at start, and Jackson would load for all
        ObjectMapper mapper = new ObjectMapper();
        JsonNode body;
        try {
            body = mapper.readTree(response.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            err.println("what answers at " + base + " is not a flow-export runner's API: GET " + path + " gave HTTP "
                    + response.statusCode() + " without a JSON object; check --url or flowexport.http.host / "
                    + "flowexport.http.port");
            return 2;
        }
        if (response.statusCode() != 200) {
            // 503 while the runner starts, 404 for a flow no file declares: the runner's own words
            err.println(body.path("error").asText("HTTP " + response.statusCode() + " from " + base + path));
            return 1;
        }
        if (json) {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            return 0;
        }
        boolean problems = false;
        if (flowId != null) {
            problems = printFlow(out, body);
        } else {
            out.println("runner " + body.path("runner_id").asText("-") + " started "
                    + body.path("started_at").asText());
            problems |= printCluster(out, body.path("cluster"));
            for (JsonNode f : body.path("flows")) {
                problems |= printFlow(out, f);
            }
            for (JsonNode r : body.path("routes")) {
                out.printf("route file %s  version %s  %s  routes %s%n", r.path("file").asText(),
                        r.path("version").asText(), r.path("result").asText(), r.path("route_ids"));
                for (JsonNode p : r.path("problems")) {
                    out.println("    problem: " + p.asText());
                    problems = true;
                }
            }
        }
        out.flush();
        return problems ? 1 : 0;
    }

    /** The runners sharing the state store; true when their versions of a flow differ or it cannot be read. */
    private static boolean printCluster(PrintWriter out, JsonNode c) {
        if (c.isMissingNode()) {
            return false;
        }
        if (c.has("error")) {
            out.println("cluster   " + c.path("error").asText());
            return true;
        }
        out.printf("cluster   %d runner(s) share the state store%n", c.path("runners").size());
        for (JsonNode r : c.path("runners")) {
            out.printf("  runner  %s  heartbeat %.1fs ago%s  running %s%n", r.path("id").asText(),
                    r.path("last_heartbeat_ms_ago").asLong() / 1000.0, r.path("live").asBoolean() ? "" : " (not live)",
                    r.path("running"));
        }
        boolean differ = false;
        var diffs = c.path("version_differences").fields();
        while (diffs.hasNext()) {
            var d = diffs.next();
            out.printf("  flow '%s' has different versions on the runners: %s%n", d.getKey(), d.getValue());
            differ = true;
        }
        return differ;
    }

    private static boolean printFlow(PrintWriter out, JsonNode f) {
        String version = f.path("version").asText("-");
        String active = f.path("active_version").asText("-");
        out.printf("%n%s  (%s)%n", f.path("flow_id").asText("?"), f.path("file").asText());
        out.printf("  version   %s%s%n", version, version.equals(active) || "-".equals(active) ? ""
                : "  (in force: " + active + ")");
        out.printf("  reload    %s at %s%n", f.path("reload").path("result").asText(),
                f.path("reload").path("checked_at").asText());
        boolean problems = false;
        for (JsonNode p : f.path("reload").path("problems")) {
            out.println("    problem: " + p.asText());
            problems = true;
        }
        JsonNode run = f.path("run");
        out.printf("  state     %s%s%s%n", f.path("state").asText(), run.isObject()
                ? " (run " + run.path("run_id").asText() + " since " + run.path("started_at").asText() + ")" : "",
                f.path("running_on").isTextual() && !run.isObject() ? " (running on runner "
                        + f.path("running_on").asText() + ")" : "");
        for (JsonNode t : f.path("triggers")) {
            String what = t.has("schedule") ? "cron '" + t.path("schedule").asText() + "' "
                    + t.path("timezone").asText() : "every " + t.path("every").asText();
            out.printf("  trigger   %s %s%s%n", t.path("id").asText(), what, t.path("enabled").asBoolean()
                    ? ", next " + t.path("next_fire").asText("-") : ", disabled");
        }
        JsonNode last = f.path("last_run");
        if (last.isObject()) {
            out.printf("  last run  %s %s rows=%d bytes=%d batches=%s at %s%s%n", last.path("run_id").asText(),
                    last.path("status").asText(), last.path("rows").asLong(), last.path("bytes").asLong(),
                    last.path("batch_range").asText(), last.path("finished_at").asText(),
                    last.path("message").isNull() ? "" : "  " + last.path("message").asText());
        } else {
            out.println("  last run  none");
        }
        return problems;
    }
}
