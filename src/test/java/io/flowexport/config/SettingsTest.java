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
                Duration.ofSeconds(30), 4, Duration.ofSeconds(30)));
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

    @Test
    void logFormatIsTextByDefaultAndJsonFromTheEnvironmentOrTheConfigFile() throws IOException {
        assertThat(Settings.load(null, Map.of()).logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(Settings.load(null, Map.of("FLOWEXPORT_LOG_FORMAT", "JSON")).logFormat()).isEqualTo(LogFormat.JSON);
        Path file = Files.writeString(tmp.resolve("log.properties"), "flowexport.log.format=json\n");
        assertThat(Settings.load(file, Map.of()).logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(Settings.load(file, Map.of("FLOWEXPORT_LOG_FORMAT", "text")).logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void anUnknownLogFormatIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_LOG_FORMAT", "yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flowexport.log.format: 'yaml' is not a log format; known: text, json");
    }

    @Test
    void connectionSettingsResolveSecretReferences() throws IOException {
        Path pw = Files.writeString(tmp.resolve("state.pw"), "state-Secret-42\n");
        Path file = Files.writeString(tmp.resolve("app.properties"), String.join("\n",
                "flowexport.source.url=jdbc:postgresql://db.example:5432/sales?ssl=true&password=${env:URL_PW}",
                "flowexport.source.username=${env:DB_USER}",
                "flowexport.source.password=${env:DB_PW}",
                "flowexport.state.username=state",
                "flowexport.state.password=${file:" + pw.toAbsolutePath() + "}", ""));
        Settings s = Settings.load(file, Map.of("URL_PW", "url-Secret-17", "DB_USER", "exporter",
                "DB_PW", "src-Secret-99"));
        assertThat(s.sourceUrl()).isEqualTo("jdbc:postgresql://db.example:5432/sales?ssl=true&password=url-Secret-17");
        assertThat(s.sourceUsername()).isEqualTo("exporter");
        assertThat(s.sourcePassword()).isEqualTo("src-Secret-99");
        assertThat(s.statePassword()).isEqualTo("state-Secret-42");
        assertThat(s.toString()).doesNotContain("url-Secret-17", "src-Secret-99", "state-Secret-42");
        assertThat(io.flowexport.flow.Secrets.redact("login failed: src-Secret-99 / url-Secret-17 / state-Secret-42"))
                .isEqualTo("login failed: **** / **** / ****");
    }

    @Test
    void aPasswordInClearIsMaskedToo() {
        Settings s = Settings.load(null, Map.of("FLOWEXPORT_SOURCE_PASSWORD", "clear-Secret-31"));
        assertThat(s.sourcePassword()).isEqualTo("clear-Secret-31");
        assertThat(io.flowexport.flow.Secrets.redact("echo clear-Secret-31")).isEqualTo("echo ****");
    }

    @Test
    void anUnresolvableReferenceNamesTheSettingAndTheReferenceNeverAValue() {
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_SOURCE_PASSWORD", "${env:NOT_SET_PW}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("flowexport.source.password: secret ${env:NOT_SET_PW} is not set; export the environment "
                        + "variable NOT_SET_PW before starting the runner");
        Path missing = tmp.resolve("missing.pw");
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_STATE_PASSWORD", "${file:" + missing + "}")))
                .hasMessageStartingWith("flowexport.state.password: secret ${file:" + missing + "} cannot be read");
        assertThatThrownBy(() -> Settings.load(null, Map.of("FLOWEXPORT_SOURCE_URL",
                "jdbc:h2:mem:x;PASSWORD=${env:URL_NOT_SET}", "OTHER", "other-Secret-77")))
                .hasMessageStartingWith("flowexport.source.url: secret ${env:URL_NOT_SET} is not set")
                .message().doesNotContain("other-Secret-77", "jdbc:h2:mem:x");
    }
}
