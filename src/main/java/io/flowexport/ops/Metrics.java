package io.flowexport.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.ArrayList;
import java.util.List;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

/**
 * The process's Prometheus registry for {@code run}: the runner's own meters ({@link RunMetrics}), Camel's route
 * metrics (camel-micrometer's route policy on every route added after {@link #install}, and its route event
 * notifier), and the JVM's (memory, GC, threads, class loading, CPU, uptime, file descriptors). It is bound in
 * the Camel registry as {@code metricsRegistry}, so operator routes' own
 * {@code micrometer:} endpoints land on it too, and {@link MetricsRoutes} serves it on {@code GET /metrics}.
 */
public final class Metrics {

    /**
     * Makes the exposition pass {@code promtool check metrics}: Camel's tag keys ({@code camelContext},
     * {@code routeId}, {@code eventType}) in snake_case, a help text for meters without a description, and
     * without the two JVM meters whose Prometheus names break its naming rules ({@code process_cpu_time_ns_total},
     * {@code system_cpu_count}; {@code process_cpu_usage} and {@code system_cpu_usage} remain).
     */
    static final MeterFilter PROMETHEUS_STYLE = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")
                    ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            List<Tag> tags = new ArrayList<>();
            for (Tag t : id.getTagsAsIterable()) {
                tags.add(Tag.of(snake(t.getKey()), t.getValue()));
            }
            String help = id.getDescription() != null ? id.getDescription() : "Camel's " + id.getName() + " meter";
            return new Meter.Id(id.getName(), Tags.of(tags), id.getBaseUnit(), help, id.getType());
        }
    };

    private Metrics() {
    }

    /** {@code routeId} -> {@code route_id}. */
    static String snake(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Makes the Prometheus registry and wires it into {@code context}. Call before the
     * routes to meter are added (the route policy applies to routes added later).
     *
     * @param context the process's Camel context
     * @return the registry, whose {@link PrometheusMeterRegistry#scrape} is the exposition
     */
    public static PrometheusMeterRegistry install(CamelContext context) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(PROMETHEUS_STYLE);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ClassLoaderMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        new FileDescriptorMetrics().bindTo(prometheus);
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, prometheus);
        MicrometerRoutePolicyFactory routes = new MicrometerRoutePolicyFactory();
        routes.setMeterRegistry(prometheus);
        context.addRoutePolicyFactory(routes);
        MicrometerRouteEventNotifier notifier = new MicrometerRouteEventNotifier();
        notifier.setMeterRegistry(prometheus);
        context.getManagementStrategy().addEventNotifier(notifier);
        // added to a started context (camel-main's, in afterStart): Camel starts only the notifiers it had
        org.apache.camel.support.service.ServiceHelper.startService(notifier);
        return prometheus;
    }
}
