package io.flowexport.app;

import io.flowexport.destination.Deliveries;
import io.flowexport.destination.FileConnector;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.http.HttpConnector;
import io.flowexport.destination.http.HttpDelivery;
import io.flowexport.destination.lake.LakeConnector;
import io.flowexport.destination.messaging.MessagingConnector;
import io.flowexport.flow.DestinationType;
import io.flowexport.flow.Secrets;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The destination connectors of the runner, registered in one place: {@code file}, {@code http} (Camel's http
 * component), {@code adls}/{@code onelake} (Camel's azure-storage-datalake component and the Azure SDK) and
 * {@code eventhub} (Camel's kafka component on the namespace's Kafka endpoint). The
 * Camel components run on a small Camel context of their own, started on first use and stopped with the runner,
 * so that run-once and validate pay nothing for it.
 */
public final class Connectors implements AutoCloseable {

    private final Deliveries deliveries;
    private final MessagingConnector eventHubs;
    private final MessagingConnector serviceBus;
    private CamelContext context;
    private HttpDelivery http;

    /** @param files the export directory's publisher */
    public Connectors(FileDestination files) {
        LakeConnector[] lakes = LakeConnector.both(this::context, Secrets.system());
        this.eventHubs = new MessagingConnector(DestinationType.EVENTHUB, this::context, Secrets.system(), files);
        this.serviceBus = new MessagingConnector(DestinationType.SERVICEBUS, this::context, Secrets.system(), files);
        this.deliveries = new Deliveries(List.of(new FileConnector(files),
                new HttpConnector(this::http, Secrets.system()), lakes[0], lakes[1], eventHubs, serviceBus));
    }

    /** Every connector, by destination type. */
    public Deliveries deliveries() {
        return deliveries;
    }

    private synchronized CamelContext context() {
        if (context == null) {
            CamelContext ctx = new DefaultCamelContext();
            ctx.getCamelContextExtension().setName("flowexport-connectors");
            ctx.start();
            context = ctx;
        }
        return context;
    }

    private synchronized HttpDelivery http() {
        if (http == null) {
            http = new HttpDelivery(context());
        }
        return http;
    }

    @Override
    public synchronized void close() {
        eventHubs.close();
        serviceBus.close();
        if (http != null) {
            http.close();
        }
        if (context != null) {
            context.stop();
        }
    }
}
