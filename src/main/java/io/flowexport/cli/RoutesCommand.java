package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.flow.Flow;
import io.flowexport.route.FlowRoutes;
import io.flowexport.validate.FlowSet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code routes [FLOW_ID...]}: prints the Camel routes of export flows in Camel's YAML DSL, as {@code run} builds
 * them: each flow's run route (its stages as {@code flowexport:} steps) and one route per enabled trigger. Reads
 * the flow files without connecting to any database.
 */
@Command(name = "routes", mixinStandardHelpOptions = true,
        header = "Print the Camel routes that run builds, as YAML.",
        description = {"Print the Camel routes (YAML DSL) that run builds for export flows: the run route, whose "
                + "steps are the stages of a run (flowexport:begin, export, deliver per destination, commit, fail, "
                + "end), and a route per enabled trigger. No database is needed."})
final class RoutesCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "FLOW_ID", arity = "0..*", description = "The flows; all export flows when none.")
    List<String> flowIds = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FlowSet set = FlowExportApp.loadFlowsOffline(common.settings(), common.flowsDir, common.destinationsDir);
        List<Flow> flows = new ArrayList<>();
        boolean failed = false;
        if (flowIds.isEmpty()) {
            flows.addAll(set.exportFlows());
        }
        for (String id : flowIds) {
            Optional<Flow> f = set.flows().stream().filter(x -> x.id().equals(id) && x.isExport()).findFirst();
            if (f.isPresent()) {
                flows.add(f.get());
            } else {
                failed = true;
                Reports.printUnavailable(set, id, err);
            }
        }
        err.flush();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (CamelContext ctx = new DefaultCamelContext()) {
            FlowRoutes routes = new FlowRoutes();
            ctx.addRoutes(routes.runRoutes(flows));
            for (Flow f : flows) {
                ctx.addRoutes(routes.triggerRoutes(f, f.triggers(), pool));
            }
            for (RouteDefinition r : ((ModelCamelContext) ctx).getRouteDefinitions()) {
                out.print(PluginHelper.getModelToYAMLDumper(ctx).dumpModelAsYaml(ctx, r, true, false, false,
                        false));
            }
        } finally {
            pool.shutdownNow();
        }
        out.flush();
        return failed ? 1 : 0;
    }
}
