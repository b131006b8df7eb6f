package io.flowexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCommandExposureTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @Test
    void aReachableAddressNeedsAToken() {
        String why = RunCommand.exposedWithoutToken(Settings.load(null, Map.of("FLOWEXPORT_HTTP_HOST", "0.0.0.0")));
        assertThat(why).contains("flowexport.http.host is 0.0.0.0").contains("flowexport.http.token")
                .contains("FLOWEXPORT_HTTP_TOKEN");
        assertThat(RunCommand.exposedWithoutToken(Settings.load(null,
                Map.of("FLOWEXPORT_HTTP_HOST", "0.0.0.0", "FLOWEXPORT_HTTP_TOKEN", TOKEN)))).isNull();
    }

    @Test
    void loopbackOrNoServerNeedsNone() {
        assertThat(RunCommand.exposedWithoutToken(Settings.load(null, Map.of()))).isNull();
        assertThat(RunCommand.exposedWithoutToken(Settings.load(null, Map.of("FLOWEXPORT_HTTP_HOST", "localhost"))))
                .isNull();
        assertThat(RunCommand.exposedWithoutToken(Settings.load(null, Map.of("FLOWEXPORT_HTTP_HOST", "::1"))))
                .isNull();
        assertThat(RunCommand.exposedWithoutToken(Settings.load(null,
                Map.of("FLOWEXPORT_HTTP_HOST", "0.0.0.0", "FLOWEXPORT_HTTP_PORT", "0")))).isNull();
    }
}
