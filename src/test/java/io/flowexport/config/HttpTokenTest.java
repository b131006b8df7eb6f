package io.flowexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void acceptsOnlyTheBearerToken() {
        HttpToken t = HttpToken.of(TOKEN);
        assertThat(t.isSet()).isTrue();
        assertThat(t.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(t.accepts("bearer " + TOKEN)).isTrue();
        assertThat(t.accepts(null)).isFalse();
        assertThat(t.accepts("")).isFalse();
        assertThat(t.accepts("Bearer")).isFalse();
        assertThat(t.accepts(TOKEN)).isFalse();
        assertThat(t.accepts("Basic " + TOKEN)).isFalse();
        assertThat(t.accepts("Bearer " + TOKEN + "0")).isFalse();
        assertThat(t.accepts("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(t.authorization()).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void noTokenAcceptsEverything() {
        assertThat(HttpToken.of("")).isSameAs(HttpToken.NONE);
        assertThat(HttpToken.of("  ")).isSameAs(HttpToken.NONE);
        assertThat(HttpToken.NONE.accepts(null)).isTrue();
        assertThat(HttpToken.NONE.authorization()).isNull();
    }

    @Test
    void shortOrSpacedTokensAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> HttpToken.of("short-secret"))
                .hasMessageContaining("flowexport.http.token").hasMessageContaining("12 characters")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> HttpToken.of("0123456789 abcdef0123"))
                .hasMessageContaining("whitespace").hasMessageNotContaining("0123456789 abcdef");
    }

    @Test
    void neverPrinted() {
        assertThat(HttpToken.of(TOKEN).toString()).isEqualTo("****");
        assertThat(Settings.load(null, Map.of("FLOWEXPORT_HTTP_TOKEN", TOKEN)).toString()).doesNotContain(TOKEN);
    }

    @Test
    void readFromAReferenceAndMaskedInLogs() throws Exception {
        Path file = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
        Settings s = Settings.load(null, Map.of("FLOWEXPORT_HTTP_TOKEN", "${file:" + file + "}"));
        assertThat(s.httpToken().accepts("Bearer " + TOKEN)).isTrue();
        assertThat(io.flowexport.flow.Secrets.redact("got " + TOKEN)).doesNotContain(TOKEN);
        Settings e = Settings.load(null, Map.of("FLOWEXPORT_HTTP_TOKEN", "${env:API_TOKEN}", "API_TOKEN", TOKEN));
        assertThat(e.httpToken().accepts("Bearer " + TOKEN)).isTrue();
    }
}
