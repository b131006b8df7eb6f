package io.flowexport.destination.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.destination.http.HttpSettings.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {

    private static final String SECRET = "s3cr3t-value-91";

    /** A mutable copy of the settings' values, so that each case changes one. */
    private static final class Values {
        String url = "https://ingest.example.com/v1/orders?x=1";
        String method = "post";
        Mode mode = Mode.BATCHES;
        int batchSize = 500;
        Map<String, String> headers = Map.of("X-Tenant", SECRET);
        Auth auth = new Auth.Bearer(SECRET + "-token");
        Duration connect = Duration.ofSeconds(5);
        Duration read = Duration.ofSeconds(30);
        Duration total = Duration.ofMinutes(10);
        int maxAttempts = 5;
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(30);

        HttpSettings build() {
            return new HttpSettings(url, method, mode, batchSize, headers, auth, connect, read, total, maxAttempts,
                    initial, max, Path.of("/etc/flow-export/ca.p12"), SECRET + "-store");
        }
    }

    private static Values with(UnaryOperator<Values> change) {
        return change.apply(new Values());
    }

    @Test
    void methodIsStoredUpperCase() {
        assertThat(new Values().build().method()).isEqualTo("POST");
    }

    @Test
    void toStringMasksHeaderValuesAuthAndTheTrustStorePassword() {
        String text = new Values().build().toString();
        assertThat(text).doesNotContain(SECRET).contains("X-Tenant=***", "Bearer[token=***]",
                "trustStorePassword=***", "https://ingest.example.com/v1/orders?x=1");
        assertThat(new Auth.Basic("alice", SECRET).toString()).isEqualTo("Basic[user=alice, password=***]");
        assertThat(new Auth.ApiKey("X-Api-Key", SECRET).toString()).isEqualTo("ApiKey[header=X-Api-Key, value=***]");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(with(v -> { v.url = "ftp://host/x"; return v; }),
                        "url must start with http:// or https://"),
                Arguments.of(with(v -> { v.url = "https://bob:" + SECRET + "@host/x"; return v; }),
                        "url carries user info (user:password@), which is not sent; configure basic auth instead"),
                Arguments.of(with(v -> { v.url = "https://host/a b"; return v; }),
                        "url is not a valid URI (Illegal character in path at index 14)"),
                Arguments.of(with(v -> { v.method = "PATCH"; return v; }), "method must be POST or PUT, not 'PATCH'"),
                Arguments.of(with(v -> { v.batchSize = 0; return v; }), "batchSize must be > 0 in BATCHES mode, not 0"),
                Arguments.of(with(v -> { v.headers = Map.of("Content-Type", "text/plain"); return v; }),
                        "header Content-Type is set by flow-export and cannot be configured"),
                Arguments.of(with(v -> { v.headers = Map.of("idempotency-key", "x"); return v; }),
                        "header idempotency-key is set by flow-export and cannot be configured"),
                Arguments.of(with(v -> { v.headers = Map.of("X-FlowExport-Run", "x"); return v; }),
                        "header X-FlowExport-Run is set by flow-export and cannot be configured"),
                Arguments.of(with(v -> { v.headers = Map.of("authorization", "x"); return v; }),
                        "header authorization is set by auth (bearer token); configure it in one place"),
                Arguments.of(with(v -> { v.headers = Map.of("Bad Name", "x"); return v; }),
                        "header 'Bad Name' is not a valid header name"),
                Arguments.of(with(v -> { v.headers = Map.of("X-Evil", SECRET + "\r\nX-Injected: 1"); return v; }),
                        "header X-Evil contains a line break or NUL character"),
                Arguments.of(with(v -> { v.read = Duration.ZERO; return v; }), "readTimeout must be > 0, not PT0S"),
                Arguments.of(with(v -> { v.maxAttempts = 0; return v; }), "maxAttempts must be >= 1, not 0"),
                Arguments.of(with(v -> { v.max = Duration.ofMillis(10); return v; }),
                        "maxBackoff must be >= initialBackoff"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidSettingsAreRefusedWithoutEchoingSecrets(Values values, String message) {
        assertThatThrownBy(values::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message)
                .message().doesNotContain(SECRET);
    }

    @Test
    void authAllowsTheAuthorizationHeaderOnlyWhenItDoesNotSetIt() {
        Values v = new Values();
        v.auth = new Auth.None();
        v.headers = Map.of("Authorization", "Token abc");
        assertThat(v.build().headers()).containsEntry("Authorization", "Token abc");
    }

    @Test
    void runHeadersMustCarryThePrefix() {
        assertThatThrownBy(() -> new DeliveryRequest(Path.of("x"), BodyFormat.CSV, Map.of("X-Run", "1"), "b", 0, "l",
                null)).hasMessage("run header X-Run must start with X-FlowExport-");
    }
}
