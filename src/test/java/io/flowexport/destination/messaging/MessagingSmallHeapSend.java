package io.flowexport.destination.messaging;

import io.flowexport.destination.Delivered;
import io.flowexport.destination.FileDestination;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.destination.eventhub.EventHubConnector;
import io.flowexport.destination.eventhub.EventHubProtocol;
import io.flowexport.destination.eventhub.EventHubSpec;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link MessagingSmallHeapIT} in a child JVM with a small heap: delivers one JSON Lines file to an event hub
 * over AMQP and prints the outcome and the heap's limit. Arguments: connection string, event hub, file, work dir.
 */
public final class MessagingSmallHeapSend {

    private MessagingSmallHeapSend() {
    }

    public static void main(String[] args) throws Exception {
        EventHubConnector c = new EventHubConnector(() -> null,
                new Secrets(Map.of("CS", args[0])::get), new FileDestination(Path.of(args[3])));
        EventHubSpec hub = new EventHubSpec("events", null, "contoso-events", args[1],
                EventHubProtocol.AMQP, null, true,
                new AzureAuth.ConnectionString(new SecretValue("${env:CS}")),
                new MessageShape(100, List.of(), List.of(), 1 << 20, 1 << 20, null), null, 3,
                Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMinutes(1));
        Shipment s = new Shipment("big", "r1", Path.of(args[2]), FileFormat.JSON, true, Map.of(), "1..1",
                "batches 1..1", () -> false, "big", ExportMode.INCREMENTAL, 0, 1L, 1L, List.of());
        long started = System.nanoTime();
        Delivered d = c.deliver(s, hub, 0);
        System.out.println("ok=" + d.ok() + " detail=" + d.detail() + " maxHeap="
                + Runtime.getRuntime().maxMemory() / (1 << 20) + "MB seconds="
                + (System.nanoTime() - started) / 1_000_000_000L);
        c.close();
        System.exit(d.ok() ? 0 : 1);
    }
}
