package io.flowexport.destination.http;

import io.flowexport.destination.http.HttpSettings.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Test settings: WHOLE, POST, no auth, 2 s connect, 5 s read, 30 s total, 3 attempts, 50-200 ms backoff. */
final class SettingsBuilder {
    private String url;
    private String method = "POST";
    private Mode mode = Mode.WHOLE;
    private int batchSize = 3;
    private Map<String, String> headers = Map.of();
    private Auth auth = new Auth.None();
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration totalTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 3;
    private Path trustStore;
    private String trustStorePassword;

    SettingsBuilder url(String v) {
        url = v;
        return this;
    }

    SettingsBuilder method(String v) {
        method = v;
        return this;
    }

    SettingsBuilder mode(Mode v) {
        mode = v;
        return this;
    }

    SettingsBuilder batchSize(int v) {
        batchSize = v;
        return this;
    }

    SettingsBuilder headers(Map<String, String> v) {
        headers = v;
        return this;
    }

    SettingsBuilder auth(Auth v) {
        auth = v;
        return this;
    }

    SettingsBuilder readTimeout(Duration v) {
        readTimeout = v;
        return this;
    }

    SettingsBuilder totalTimeout(Duration v) {
        totalTimeout = v;
        return this;
    }

    SettingsBuilder maxAttempts(int v) {
        maxAttempts = v;
        return this;
    }

    SettingsBuilder trustStore(Path store, String password) {
        trustStore = store;
        trustStorePassword = password;
        return this;
    }

    HttpSettings build() {
        return new HttpSettings(url, method, mode, batchSize, headers, auth, Duration.ofSeconds(2), readTimeout,
                totalTimeout, maxAttempts, Duration.ofMillis(50), Duration.ofMillis(200), trustStore,
                trustStorePassword);
    }
}
