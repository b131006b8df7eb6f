package io.flowexport.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.run.RunResult;
import io.flowexport.run.RunStatus;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RunMetrics metrics = new RunMetrics(registry);

    {
        registry.config().meterFilter(Metrics.PROMETHEUS_STYLE);
    }

    private static RunResult result(String flow, RunStatus status, long rows, long bytes, double seconds) {
        return new RunResult(flow, "v1", "20261206T000000Z-abcdef", "schedule", Instant.now(), status, rows, bytes,
                null, 1L, 2L, seconds, null, List.of());
    }

    @Test
    void runsAreCountedByFlowAndStatusWithRowsBytesAndDurations() {
        metrics.accept(result("orders", RunStatus.SUCCEEDED, 100, 2048, 0.3));
        metrics.accept(result("orders", RunStatus.SUCCEEDED, 50, 1024, 3));
        metrics.accept(result("orders", RunStatus.NOTHING_NEW, 0, 0, 0.05));
        metrics.accept(result("orders", RunStatus.FAILED, 0, 0, 1));
        metrics.accept(result("items", RunStatus.SKIPPED, 0, 0, 0));
        String m = registry.scrape();
        assertThat(value(m, "flowexport_runs_total{flow=\"orders\",status=\"ok\"}")).isEqualTo(2);
        assertThat(value(m, "flowexport_runs_total{flow=\"orders\",status=\"nothing_new\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_runs_total{flow=\"orders\",status=\"failed\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_runs_total{flow=\"items\",status=\"skipped\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_exported_rows_total{flow=\"orders\"}")).isEqualTo(150);
        assertThat(value(m, "flowexport_exported_bytes_total{flow=\"orders\"}")).isEqualTo(3072);
        assertThat(value(m, "flowexport_run_duration_seconds_bucket{flow=\"orders\",status=\"ok\",le=\"0.5\"}"))
                .isEqualTo(1);
        assertThat(value(m, "flowexport_run_duration_seconds_bucket{flow=\"orders\",status=\"ok\",le=\"5.0\"}"))
                .isEqualTo(2);
        assertThat(value(m, "flowexport_run_duration_seconds_sum{flow=\"orders\",status=\"ok\"}")).isEqualTo(3.3);
        // a success (ok or nothing new) sets the time; a flow that never succeeded has no series
        assertThat(value(m, "flowexport_last_success_timestamp_seconds{flow=\"orders\"}"))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60.0));
        assertThat(m).doesNotContain("flowexport_last_success_timestamp_seconds{flow=\"items\"}");
        assertThat(m).doesNotContain("20261206T000000Z-abcdef");
    }

    @Test
    void reloadsCountChangesNotLooks() {
        Path a = Path.of("flows/a.toml");
        Path b = Path.of("flows/b.toml");
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(a, "v1", "added", 0, 0),
                new RunMetrics.Reloaded(b, "w1", "not loaded", 2, 1)));
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(a, "v1", "added", 0, 0),
                new RunMetrics.Reloaded(b, "w1", "not loaded", 2, 1))); // nothing changed: nothing counted
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(a, "v2", "replaced", 0, 0)));
        String m = registry.scrape();
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"added\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"not_loaded\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"replaced\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"removed\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reload_problems{kind=\"flow\",severity=\"error\"}")).isZero();
    }

    @Test
    void anUnchangedFileIsNotCounted() {
        Path r = Path.of("routes/r.yaml");
        Path f = Path.of("flows/f.toml");
        metrics.reloaded("route", List.of(new RunMetrics.Reloaded(r, "v1", "loaded", 0, 0)));
        metrics.reloaded("route", List.of(new RunMetrics.Reloaded(r, "v1", "unchanged", 0, 0)));
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(f, "v1", "added", 0, 0)));
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(f, "v2", "kept last good version", 1, 0)));
        metrics.reloaded("flow", List.of(new RunMetrics.Reloaded(f, "v1", "unchanged", 0, 0))); // edited back
        String m = registry.scrape();
        assertThat(value(m, "flowexport_reloads_total{kind=\"route\",result=\"loaded\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"added\"}")).isEqualTo(1);
        assertThat(value(m, "flowexport_reloads_total{kind=\"flow\",result=\"kept_last_good_version\"}"))
                .isEqualTo(1);
        assertThat(m).doesNotContain("result=\"unchanged\"");
    }

    @Test
    void tagKeysBecomeSnakeCase() {
        assertThat(Metrics.snake("routeId")).isEqualTo("route_id");
        assertThat(Metrics.snake("camelContext")).isEqualTo("camel_context");
        assertThat(Metrics.snake("flow")).isEqualTo("flow");
    }

    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
