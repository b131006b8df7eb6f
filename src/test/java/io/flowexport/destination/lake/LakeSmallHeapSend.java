package io.flowexport.destination.lake;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.ValueKind;
import io.flowexport.destination.Delivered;
import io.flowexport.destination.Shipment;
import io.flowexport.destination.azure.AzureAuth;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Run by {@link LakeSmallHeapIT} in a child JVM with a small heap: delivers one file to a lake destination and
 * prints the outcome and the heap's limit. Arguments: endpoint, account, base64 key, file.
 */
public final class LakeSmallHeapSend {

    private LakeSmallHeapSend() {
    }

    public static void main(String[] args) {
        CamelContext camel = new DefaultCamelContext();
        camel.start();
        LakeConnector adls = new LakeConnector(() -> camel, new Secrets(Map.of("KEY", args[2])::get));
        LakeSpec lake = new LakeSpec("lake", null, LakeSpec.ADLS, args[1], "exports",
                null, "big/big.parquet", args[0], new AzureAuth.SharedKey(new SecretValue("${env:KEY}")), true, false,
                null, 8L << 20, 4, new AzureRetry(3, Duration.ofMinutes(1), Duration.ofMillis(50),
                Duration.ofSeconds(1)));
        Shipment s = new Shipment("big", "r1", Path.of(args[3]), FileFormat.PARQUET, false, Map.of(), "-", "run r1",
                () -> false, "big", ExportMode.FULL, 1, null, null, List.of(Column.of("id", ValueKind.INT64)));
        Delivered d = adls.deliver(s, lake, 0);
        System.out.println("ok=" + d.ok() + " detail=" + d.detail() + " maxHeap="
                + Runtime.getRuntime().maxMemory() / (1 << 20) + "MB");
        camel.stop();
        System.exit(d.ok() ? 0 : 1);
    }
}
