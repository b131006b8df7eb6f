package io.flowexport.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.config.LogFormat;
import io.flowexport.flow.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The stderr appender of {@code logback.xml} (the test class path has no logback-test.xml) in both formats: JSON lines
 * parse one object per line with the documented fields, and a secret resolved from the environment is masked in the
 * message and the stack trace exactly as in text lines.
 */
class LogEncoderTest {

    private static final String SECRET = "pw-json-5e6f7a8b9c0d";
    private static final Logger LOG = LoggerFactory.getLogger("io.flowexport.test.LogEncoderTest");

    @AfterEach
    void backToText() {
        LogEncoder.use(LogFormat.TEXT);
        MDC.clear();
    }

    @Test
    void jsonLinesCarryTheFieldsAndMaskSecrets() throws Exception {
        String url = new Secrets(Map.of("FE_JSON_PW", SECRET)::get).render("jdbc:x://db?password=${env:FE_JSON_PW}");
        String out = capture(LogFormat.JSON, () -> {
            MDC.put("flow_id", "orders");
            MDC.put("run_id", "r-1");
            LOG.info("connecting to {}", url);
            MDC.clear();
            LOG.error("the source failed", new IllegalStateException("login with " + SECRET + " refused",
                    new SQLException("password " + SECRET + " wrong", "28P01")));
        });
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode info = json.readTree(lines.get(0));
        assertThat(info.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z");
        assertThat(info.get("level").asText()).isEqualTo("INFO");
        assertThat(info.get("logger").asText()).isEqualTo("io.flowexport.test.LogEncoderTest");
        assertThat(info.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(info.get("message").asText()).isEqualTo("connecting to jdbc:x://db?password=****");
        assertThat(info.get("flow_id").asText()).isEqualTo("orders");
        assertThat(info.get("run_id").asText()).isEqualTo("r-1");
        assertThat(info.has("stack_trace")).isFalse();
        JsonNode error = json.readTree(lines.get(1));
        assertThat(error.get("level").asText()).isEqualTo("ERROR");
        assertThat(error.has("flow_id")).isFalse();
        assertThat(error.get("stack_trace").asText()).contains("IllegalStateException: login with **** refused",
                "SQLException: password **** wrong", "at io.flowexport.app.LogEncoderTest");
        assertThat(out).doesNotContain(SECRET);
    }

    @Test
    void textLinesAreAsBeforeAndMaskTheSameWay() {
        String url = new Secrets(Map.of("FE_TEXT_PW", SECRET)::get).render("password=${env:FE_TEXT_PW}");
        String out = capture(LogFormat.TEXT, () -> LOG.warn("using {}", url, new IllegalStateException(SECRET)));
        assertThat(out).containsPattern("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  \\[[^]]+] "
                + "i\\.f\\.test\\.LogEncoderTest - using password=\\*\\*\\*\\*\n")
                .contains("java.lang.IllegalStateException: ****").doesNotContain(SECRET).doesNotStartWith("{");
    }

    /** What the stderr appender writes while {@code logging} runs in {@code format}. */
    private static String capture(LogFormat format, Runnable logging) {
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            LogEncoder.use(format);
            logging.run();
        } finally {
            System.setErr(err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
