package io.flowexport.cli;

import io.flowexport.app.FlowExportApp;
import io.flowexport.app.LiveRunner;
import io.flowexport.config.HttpToken;
import io.flowexport.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Spec
    CommandSpec spec;

    /**
     * Why the HTTP API may not listen as configured: on an address other machines can reach (not loopback) without
     * {@code flowexport.http.token}; null when it may (a loopback address, a token, or no HTTP server).
     */
    static String exposedWithoutToken(Settings settings) {
        Settings.Live live = settings.live();
        if (live.httpPort() <= 0 || settings.httpToken().isSet() || loopback(live.httpHost())) {
            return null;
        }
        return "error: flowexport.http.host is " + live.httpHost() + ", which other machines can reach, and "
                + "flowexport.http.token is not set: anyone there could start exports. Set flowexport.http.token "
                + "(FLOWEXPORT_HTTP_TOKEN; a value of at least " + HttpToken.MIN_LENGTH + " characters, or a "
                + "${env:NAME} / ${file:/path} reference), or keep flowexport.http.host at 127.0.0.1";
    }

    private static boolean loopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            return all.length > 0 && java.util.Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings();
        String exposed = exposedWithoutToken(settings);
        if (exposed != null) {
            spec.commandLine().getErr().println(exposed);
            return 2;
        }
        try (FlowExportApp app = FlowExportApp.open(settings)) {
            LiveRunner live = new LiveRunner(app, common.flowsDir, routesDir, common.destinationsDir);
            Main main = new Main();
            main.configure().setName("flow-export");
            // Camel waits for in-flight exchanges a little longer than our own grace, which aborts them.
            main.configure().setShutdownTimeout((int) settings.live().shutdownGrace().toSeconds() + 35);
            // Camel's health checks (context, routes, consumers) for GET /health/live and /health/ready
            main.configure().health().setEnabled(true);
            main.configure().health().setRoutesEnabled(true);
            main.configure().health().setConsumersEnabled(true);
            main.configure().health().setRegistryEnabled(true);
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
