package io.flowexport.destination.camel;

import io.flowexport.destination.Delivered;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Delivers one file with the camel connector over SFTP and exits 0 when it was delivered; run in a JVM with a small
 * heap by {@link CamelSftpSmallHeapIT}. Arguments: SFTP port, password file, the file to send.
 */
public final class SftpSmallHeapSend {

    private SftpSmallHeapSend() {
    }

    public static void main(String[] args) throws Exception {
        Delivered d;
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            CamelSpec spec = new CamelSpec("big", null, "sftp://exports@127.0.0.1:" + args[0] + "/in?password=${file:"
                    + args[1] + "}&strictHostKeyChecking=no&useUserKnownHostsFile=false", "big.parquet", null, 1,
                    Duration.ZERO, Duration.ZERO);
            d = new CamelConnector(() -> camel, Secrets.system()).deliver(CamelFiles.shipment(Path.of(args[2]),
                    FileFormat.PARQUET, "small-heap"), spec, 0);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("maxHeap=" + rt.maxMemory() + " delivered=" + d.ok() + " " + d.detail());
        System.exit(d.ok() ? 0 : 1);
    }
}
