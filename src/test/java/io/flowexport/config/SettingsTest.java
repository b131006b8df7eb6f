package io.flowexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, precedence (environment over file) and errors of the settings of the long-running runner. */
class SettingsTest {

    @TempDir
    Path tmp;

    @Test
    void liveDefaults() {
        Settings.Live live = Settings.load(null, Map.of()).live();
        assertThat(live).isEqualTo(new Settings.Live("127.0.0.1", 8765, Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 4));
    }

    @Test
    void environmentOverridesTheConfigFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("app.properties"),
                "flowexport.http.port=9000\nflowexport.reload.quiet=50ms\nflowexport.shutdown.grace=2m\n");
        Settings.Live live = Settings.load(file, Map.of("FLOWEXPORT_HTTP_PORT", "0", "FLOWEXPORT_RUN_THREADS", "8"))
                .live();
        assertThat(live.httpPort()).isZero();
        assertThat(live.reloadQuiet()).isEqualTo(Duration.ofMillis(50));
        assertThat(live.shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(live.runThreads()).isEqualTo(8);
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_RELOAD_RESCAN", "5 seconds")))
                .hasMessageContaining("flowexport.reload.rescan").hasMessageContaining("5s");
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_HTTP_PORT", "http")))
                .hasMessageContaining("flowexport.http.port");
    }
}
