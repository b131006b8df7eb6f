package io.flowexport.cli;

import io.flowexport.config.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares: where the flows are and the settings file. */
final class CommonOptions {

    @Option(names = "--flows", paramLabel = "DIR", defaultValue = "flows",
            description = "Directory of flow files (*.toml). Default: ${DEFAULT-VALUE}.")
    Path flowsDir;

    @Option(names = "--destinations", paramLabel = "DIR", defaultValue = "destinations",
            description = "Directory of the destination catalogue (one <name>.toml per destination that flows use "
                    + "with ref = \"<name>\"). Default: ${DEFAULT-VALUE}.")
    Path destinationsDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "An application.properties with flowexport.* settings (source, state, export dir). "
                    + "Environment variables FLOWEXPORT_* and -D system properties override it.")
    Path configFile;

    /**
     * Loads the settings and writes log lines from now on in their {@code flowexport.log.format}.
     *
     * @throws IllegalArgumentException when a setting is wrong (see {@link Settings#load})
     */
    Settings settings() {
        Settings s = Settings.load(configFile, System.getenv());
        io.flowexport.app.LogEncoder.use(s.logFormat());
        return s;
    }
}
