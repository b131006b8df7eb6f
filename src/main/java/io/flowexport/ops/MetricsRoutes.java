package io.flowexport.ops;

import io.flowexport.flow.Flow;
import io.flowexport.run.ExportRunner;
import io.flowexport.state.StateStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The metrics routes of {@code run}:
 * <ul>
 *   <li>{@code api-metrics}: {@code GET /metrics}, the Prometheus exposition of the process's registry
 *       ({@link Metrics}); text format 0.0.4, or OpenMetrics 1.0 when the scraper asks for it
 *       ({@code Accept: application/openmetrics-text}, as Prometheus does);</li>
 *   <li>{@code flowexport-metrics}: half a second after start, then every {@code flowexport.metrics.refresh},
 *       reads the watermark lag and the pending deliveries of the flows in force ({@link RunMetrics#refresh}):
 *       one {@code MIN}/{@code MAX} query on the source per flow with a watermark, one state store read per
 *       flow.</li>
 * </ul>
 */
public final class MetricsRoutes extends RouteBuilder {

    private static final String OPENMETRICS = "application/openmetrics-text";

    private final PrometheusMeterRegistry prometheus;
    private final RunMetrics metrics;
    private final Supplier<Collection<Flow>> flows;
    private final StateStore state;
    private final ExportRunner runner;
    private final Duration refresh;

    /**
     * @param prometheus the registry to serve
     * @param metrics    the runner's meters
     * @param flows      the flows in force
     * @param state      the state store (watermarks, pending deliveries)
     * @param runner     reads the newest batch a flow's next run would export
     * @param refresh    how often the lag and pending gauges are read ({@code flowexport.metrics.refresh})
     */
    public MetricsRoutes(PrometheusMeterRegistry prometheus, RunMetrics metrics, Supplier<Collection<Flow>> flows,
                         StateStore state, ExportRunner runner, Duration refresh) {
        this.prometheus = prometheus;
        this.metrics = metrics;
        this.flows = flows;
        this.state = state;
        this.runner = runner;
        this.refresh = refresh;
    }

    @Override
    public void configure() {
        from("platform-http:/metrics?httpMethodRestrict=GET").routeId("api-metrics")
                .process(this::scrape);
        // the first refresh half a second after start (camel-timer waits a whole period when delay is 0)
        from("timer:flowexport-metrics?delay=500&period=" + refresh.toMillis()).routeId("flowexport-metrics")
                .process(e -> metrics.refresh(flows.get(), state, runner));
    }

    private void scrape(Exchange e) {
        String accept = e.getMessage().getHeader("Accept", String.class);
        boolean open = accept != null && accept.contains(OPENMETRICS);
        String contentType = open ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        String body = prometheus.scrape(contentType);
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        e.getMessage().setBody(body);
    }
}
