package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.app.LiveRunner;
import io.flowexport.config.Settings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}: keeps every valid export flow of the flow directory scheduled, and the operator routes of the
 * route directory running, reloading both when their files change, until SIGTERM or Ctrl-C, which stop it
 * gracefully (runs in flight get {@code flowexport.shutdown.grace} to finish, then are aborted; no staged file is
 * left).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        header = "Schedule the flows and keep running; changed files are reloaded.",
        description = {"Schedule every enabled trigger and keep running; flow and route files are reloaded when "
                + "they change. Invalid flows are reported and left out; the others run. SIGTERM stops gracefully."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--routes", paramLabel = "DIR", defaultValue = "routes",
            description = "Directory of operator routes (Camel YAML DSL, *.yaml). Default: ${DEFAULT-VALUE}.")
    Path routesDir;

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings();
        try (FlowExportApp app = FlowExportApp.open(settings)) {
            LiveRunner live = new LiveRunner(app, common.flowsDir, routesDir, common.destinationsDir);
            Main main = new Main();
            main.configure().setName("flow-export");
            // Camel waits for in-flight exchanges a little longer than our own grace, which aborts them.
            main.configure().setShutdownTimeout((int) settings.live().shutdownGrace().toSeconds() + 35);
            if (settings.live().httpPort() > 0) {
                main.configure().httpServer().setEnabled(true);
                main.configure().httpServer().setHost(settings.live().httpHost());
                main.configure().httpServer().setPort(settings.live().httpPort());
            }
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStart(BaseMainSupport m) {
                    try {
                        live.start(m.getCamelContext());
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start the runner: " + e.getMessage(), e);
                    }
                }

                @Override
                public void beforeStop(BaseMainSupport m) {
                    live.stop();
                }
            });
            main.run();
            return main.getExitCode();
        }
    }
}
