package io.flowexport.destination.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Sends one file with {@link HttpDelivery} and exits 0 when it was delivered; run in a JVM with a small heap by
 * {@link HttpDeliverySmallHeapIT}. Arguments: url, file, format, mode, batch size.
 */
public final class SmallHeapSend {

    private SmallHeapSend() {
    }

    public static void main(String[] args) throws Exception {
        HttpSettings settings = new HttpSettings(args[0], "POST", HttpSettings.Mode.valueOf(args[3]),
                Integer.parseInt(args[4]), Map.of(), new Auth.None(), Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofMinutes(5), 1, Duration.ofMillis(100), Duration.ofSeconds(1), null, null);
        DeliveryRequest request = new DeliveryRequest(Path.of(args[1]), BodyFormat.valueOf(args[2]),
                Map.of("X-FlowExport-Run", "small-heap"), "small-heap", 0, "small heap", null);
        DeliveryOutcome outcome;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            try (HttpDelivery delivery = new HttpDelivery(camel)) {
                outcome = delivery.send(settings, request);
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println(outcome + " maxHeap=" + rt.maxMemory());
        System.exit(outcome.ok() ? 0 : 1);
    }
}
