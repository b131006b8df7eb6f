package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.component.FlowExportComponent;
import io.flowexport.app.FlowExportApp;
import io.flowexport.config.Settings;
import io.flowexport.flow.Flow;
import io.flowexport.route.FlowRoutes;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.flowexport.run.Staged;
import io.flowexport.validate.FlowSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.event.ExchangeSentEvent;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.OutputNode;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flow's route is its pipeline: each stage of a run is a step ({@code flowexport:} endpoint) that Camel users
 * can read in the route, intercept ({@code interceptSendToEndpoint}) and see in Camel's events.
 */
class PipelineRouteIT {

    @TempDir
    Path tmp;

    /** The demo's daily flow, with an HTTP destination beside its file. */
    private static String flow(String url) throws Exception {
        return Files.readString(Path.of("flows", "daily_orders_export.toml"))
                + "\n[[properties.export.destinations]]\ntype = \"http\"\nname = \"ingest\"\nurl = \"" + url
                + "/orders/{batch_id}\"\n";
    }

    @Test
    void aDemoFlowsRouteHasTheStagesOfARunAsStepsInOrder() throws Exception {
        Harness h = Harness.demo(tmp);
        try (RecordingHttpServer http = new RecordingHttpServer()) {
            h.flow("daily_orders_export", flow(http.base()));
            try (FlowExportApp app = FlowExportApp.open(Settings.load(h.config, Map.of()));
                 CamelContext ctx = new DefaultCamelContext()) {
                Flow flow = only(app.loadFlows(h.flows, h.dir.resolve("destinations")));
                ctx.addRoutes(app.install(ctx, id -> flow, r -> { }).runRoutes(List.of(flow)));
                RouteDefinition route = ((ModelCamelContext) ctx).getRouteDefinition("flow-daily_orders_export");
                assertThat(route.getInput().getEndpointUri()).isEqualTo("direct:flow-daily_orders_export");
                assertThat(steps(route)).containsExactly(
                        "flowexport:begin?flow=daily_orders_export&destinations=ingest,file",
                        "flowexport:export?flow=daily_orders_export",
                        "flowexport:deliver?flow=daily_orders_export&destination=ingest",
                        "flowexport:deliver?flow=daily_orders_export&destination=file",
                        "flowexport:commit?flow=daily_orders_export",
                        "flowexport:fail?flow=daily_orders_export",
                        "flowexport:end?flow=daily_orders_export");

                // the routes command prints the same route in Camel's YAML DSL
                Harness.Outcome dump = h.cli("routes", "daily_orders_export").ok();
                assertThat(dump.out()).contains("id: flow-daily_orders_export", "- doTry:", "- doCatch:",
                        "- doFinally:", "id: trigger-daily_orders_export-daily_export_trigger",
                        "uri: direct:flow-daily_orders_export");
                List<String> dumped = new ArrayList<>();
                uris(new Load(LoadSettings.builder().build()).loadFromString(dump.out()), dumped);
                assertThat(dumped).as(dump.out()).startsWith("direct:flow-daily_orders_export")
                        .containsSubsequence(steps(route));
            }
        }
    }

    @Test
    void aStageIsInterceptedAndMeteredThroughCamel() throws Exception {
        Harness h = Harness.demo(tmp);
        try (RecordingHttpServer http = new RecordingHttpServer()) {
            h.flow("daily_orders_export", flow(http.base()));
            try (FlowExportApp app = FlowExportApp.open(Settings.load(h.config, Map.of()));
                 CamelContext ctx = new DefaultCamelContext()) {
                Flow flow = only(app.loadFlows(h.flows, h.dir.resolve("destinations")));
                List<String> intercepted = new CopyOnWriteArrayList<>();
                List<String> sent = new CopyOnWriteArrayList<>();
                // what an operator's route configuration can do: see (or veto) each delivery of every flow
                ctx.addRoutes(new RouteConfigurationBuilder() {
                    @Override
                    public void configuration() {
                        routeConfiguration().interceptSendToEndpoint("flowexport:deliver*").process(e -> {
                            Staged s = e.getMessage().getBody(Staged.class);
                            intercepted.add(e.getProperty(Exchange.INTERCEPTED_ENDPOINT, String.class)
                                    + " rows=" + s.rows() + " batches=" + s.firstBatch() + ".." + s.lastBatch()
                                    + " file exists=" + Files.isRegularFile(s.file()) + " delivered so far="
                                    + s.deliveries().stream().map(d -> d.name()).toList());
                        });
                    }
                });
                ctx.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                    @Override
                    public void notify(CamelEvent event) {
                        if (event instanceof ExchangeSentEvent s && s.getEndpoint().getEndpointUri()
                                .startsWith("flowexport:")) {
                            sent.add(s.getEndpoint().getEndpointUri().replace("flowexport://", "flowexport:")
                                    + " " + (s.getTimeTaken() >= 0));
                        }
                    }
                });
                List<RunResult> results = new ArrayList<>();
                Map<String, Flow> byId = new HashMap<>(Map.of(flow.id(), flow));
                ctx.addRoutes(app.install(ctx, byId::get, results::add).runRoutes(List.of(flow)));
                ctx.start();

                Exchange done = ctx.createProducerTemplate().send(FlowRoutes.runEndpoint(flow.id()), e -> { });
                RunResult r = done.getProperty(FlowExportComponent.RESULT, RunResult.class);
                assertThat(r.status()).as(r.message()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(r.rows()).isEqualTo(60);
                assertThat(results).containsExactly(r);
                assertThat(intercepted).containsExactly(
                        "flowexport://deliver?destination=ingest&flow=daily_orders_export rows=60 batches=40..44 "
                                + "file exists=true delivered so far=[]",
                        "flowexport://deliver?destination=file&flow=daily_orders_export rows=60 batches=40..44 "
                                + "file exists=true delivered so far=[ingest]");
                assertThat(sent).containsExactly(
                        "flowexport:begin?destinations=ingest%2Cfile&flow=daily_orders_export true",
                        "flowexport:export?flow=daily_orders_export true",
                        "flowexport:deliver?destination=ingest&flow=daily_orders_export true",
                        "flowexport:deliver?destination=file&flow=daily_orders_export true",
                        "flowexport:commit?flow=daily_orders_export true",
                        "flowexport:end?flow=daily_orders_export true");
                assertThat(http.received()).hasSize(1);
                assertThat(h.files()).containsExactly("exports/daily/orders_incremental_44.csv");

                // Camel's JMX has a processor per stage, with its exchange count
                MBeanServer jmx = ctx.getManagementStrategy().getManagementAgent().getMBeanServer();
                Map<String, Object> completed = new HashMap<>();
                for (ObjectName n : jmx.queryNames(new ObjectName("org.apache.camel:type=processors,*"), null)) {
                    if ("flow-daily_orders_export".equals(jmx.getAttribute(n, "RouteId"))
                            && jmx.getAttribute(n, "ProcessorName").equals("to")) {
                        completed.put(String.valueOf(jmx.getAttribute(n, "Destination")),
                                jmx.getAttribute(n, "ExchangesCompleted"));
                    }
                }
                assertThat(completed).as(completed.toString())
                        .containsEntry("flowexport://deliver?destination=ingest&flow=daily_orders_export", 1L)
                        .containsEntry("flowexport://commit?flow=daily_orders_export", 1L)
                        .containsEntry("flowexport://fail?flow=daily_orders_export", 0L);
            }
        }
    }

    private static Flow only(FlowSet set) {
        assertThat(set.hasErrors()).as(set.toString()).isFalse();
        return set.exportFlows().get(0);
    }

    /** Every {@code uri} value of a parsed YAML document, depth first. */
    private static void uris(Object yaml, List<String> out) {
        if (yaml instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if ("uri".equals(k)) {
                    out.add(String.valueOf(v));
                } else {
                    uris(v, out);
                }
            });
        } else if (yaml instanceof List<?> l) {
            l.forEach(x -> uris(x, out));
        }
    }

    /** The endpoint URIs a route sends to, depth first, in the order they appear. */
    private static List<String> steps(NamedNode node) {
        List<String> out = new ArrayList<>();
        if (node instanceof ToDefinition to) {
            out.add(to.getEndpointUri());
        }
        if (node instanceof OutputNode || node instanceof RouteDefinition) {
            List<ProcessorDefinition<?>> outputs = node instanceof RouteDefinition r ? r.getOutputs()
                    : ((ProcessorDefinition<?>) node).getOutputs();
            outputs.forEach(o -> out.addAll(steps(o)));
        }
        return out;
    }
}
