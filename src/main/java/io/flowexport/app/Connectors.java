package io.flowexport.app;

import io.flowexport.destination.Deliveries;
import io.flowexport.destination.DestinationTypes;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.spi.ConnectorContext;
import io.flowexport.destination.spi.DestinationProvider;
import io.flowexport.flow.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's destination connectors: one per registered destination type ({@link DestinationTypes}), made with
 * the export directory, the runner's Camel context and the process's secrets, and closed with the runner.
 * Connectors ask for the Camel context only when they first send through a Camel component, so run-once, plan and
 * validate pay nothing for it.
 */
public final class Connectors implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Connectors.class);

    private final Deliveries deliveries;
    private final List<Deliveries.Bound<?>> bound = new ArrayList<>();
    private final AutoCloseable ownContext;

    /**
     * @param files the export directory's publisher
     * @param camel the runner's one Camel context (started), asked for on first use; not stopped here
     */
    public Connectors(FileDestination files, Supplier<CamelContext> camel) {
        this(files, camel, null);
    }

    private Connectors(FileDestination files, Supplier<CamelContext> camel, AutoCloseable ownContext) {
        this.ownContext = ownContext;
        ConnectorContext context = new ConnectorContext(files, camel, Secrets.system());
        for (DestinationProvider<?> p : DestinationTypes.registry().providers()) {
            bound.add(Deliveries.Bound.of(p, context));
        }
        this.deliveries = new Deliveries(bound);
    }

    /**
     * Connectors on a Camel context of their own, started on first use and stopped by {@link #close()}: for a
     * composition root that has no Camel context to give (run-once, check).
     */
    public static Connectors withOwnContext(FileDestination files) {
        OwnContext own = new OwnContext();
        return new Connectors(files, own, own);
    }

    /** Every connector, by destination type. */
    public Deliveries deliveries() {
        return deliveries;
    }

    @Override
    public synchronized void close() {
        for (Deliveries.Bound<?> b : bound) {
            try {
                b.connector().close();
            } catch (RuntimeException e) {
                LOG.warn("closing the {} connector: {}", b.provider().types(), Secrets.redact(e.toString()));
            }
        }
        if (ownContext != null) {
            try {
                ownContext.close();
            } catch (Exception e) {
                LOG.warn("stopping the connectors' Camel context: {}", e.toString());
            }
        }
    }

    /** A Camel context started on first use. */
    private static final class OwnContext implements Supplier<CamelContext>, AutoCloseable {
        private CamelContext context;

        @Override
        public synchronized CamelContext get() {
            if (context == null) {
                CamelContext ctx = new DefaultCamelContext();
                ctx.getCamelContextExtension().setName("flowexport-connectors");
                ctx.start();
                context = ctx;
            }
            return context;
        }

        @Override
        public synchronized void close() {
            if (context != null) {
                context.stop();
            }
        }
    }
}
