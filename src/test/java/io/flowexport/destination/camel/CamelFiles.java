package io.flowexport.destination.camel;

import io.flowexport.destination.Shipment;
import io.flowexport.flow.ExportMode;
import io.flowexport.flow.FileFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Staged files and shipments for the camel destination's tests. */
final class CamelFiles {

    private CamelFiles() {
    }

    /** A small CSV file with a non-ASCII value and CRLF line ends. */
    static Path csv(Path dir) throws IOException {
        return Files.write(dir.resolve("staged.csv"), "id,name\r\n1,Zoë\r\n2,\"a,b\"\r\n".getBytes(
                StandardCharsets.UTF_8));
    }

    /** A 200 KB binary file framed like Parquet ({@code PAR1} ... {@code PAR1}), every byte value present. */
    static Path parquetLike(Path dir) throws IOException {
        byte[] bytes = new byte[200 * 1024];
        new Random(42).nextBytes(bytes);
        byte[] magic = "PAR1".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, bytes, 0, 4);
        System.arraycopy(magic, 0, bytes, bytes.length - 4, 4);
        return Files.write(dir.resolve("staged.parquet"), bytes);
    }

    static Shipment shipment(Path file, FileFormat format, String run) {
        return new Shipment("orders", run, file, format, false, Map.of("batch_id", "44", "ds", "2026-12-05"),
                "41..44", "41..44", () -> false, "orders_ds", ExportMode.INCREMENTAL, 2, 41L, 44L, List.of());
    }
}
