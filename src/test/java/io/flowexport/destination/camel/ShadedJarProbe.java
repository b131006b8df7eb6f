package io.flowexport.destination.camel;

import io.flowexport.destination.Delivered;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Run by {@link CamelShadedJarIT} in a JVM whose class path is the shaded jar (plus a lib/ folder): prints
 * {@code component NAME: found|missing} per argument, then delivers a CSV file with the camel connector to
 * {@code stream:file} (camel-stream, from lib/) and prints {@code delivered: true|false detail}.
 *
 * <p>Arguments: the output file of the delivery, then component names.
 */
public final class ShadedJarProbe {

    private ShadedJarProbe() {
    }

    public static void main(String[] args) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.start();
        try {
            for (int i = 1; i < args.length; i++) {
                System.out.println("component " + args[i] + ": "
                        + (context.getComponent(args[i], true) != null ? "found" : "missing"));
            }
            Path dir = Files.createTempDirectory("probe");
            Path csv = CamelFiles.csv(dir);
            Delivered d = new CamelConnector(() -> context, Secrets.system()).deliver(
                    CamelFiles.shipment(csv, FileFormat.CSV, "r1"),
                    CamelSpec.of("extra", "stream:file?fileName=" + args[0]
                            + "&closeOnDone=true&appendNewLine=false"), 0);
            System.out.println("delivered: " + d.ok() + " " + d.detail());
            System.out.println("not found: " + new CamelConnector(() -> context, Secrets.system())
                    .check(CamelSpec.of("x", "nosuch:x"), java.util.Map.of()));
        } finally {
            context.stop();
        }
    }
}
