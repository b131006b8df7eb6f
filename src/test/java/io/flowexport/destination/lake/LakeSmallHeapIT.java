package io.flowexport.destination.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.destination.adls.DfsServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming to a lake: a 256 MB file goes out, in 8 MiB appends, from a JVM whose heap is 64 MB. An upload that
 * read the file into memory would die with OutOfMemoryError.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LakeSmallHeapIT {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void a256MbFileIsUploadedFromA64MbHeap() throws Exception {
        Path file = dir.resolve("big.parquet");
        byte[] block = new byte[(int) MB];
        new Random(5).nextBytes(block);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 256; i++) {
                block[0] = (byte) i;
                out.write(block);
                sha.update(block);
            }
        }
        String key = Base64.getEncoder().encodeToString("small heap test key".getBytes(StandardCharsets.UTF_8));
        try (DfsServer server = DfsServer.start("heaplake", key)) {
            server.createFileSystem("exports");
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, LakeSmallHeapSend.class.getName(),
                    server.endpoint(), "heaplake", key, file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("ok=true", "maxHeap=");
            byte[] landed = server.files("exports").get("big/big.parquet");
            assertThat(landed).hasSize((int) (256 * MB));
            assertThat(MessageDigest.getInstance("SHA-256").digest(landed)).isEqualTo(sha.digest());
            assertThat(server.requests().stream().filter(r -> r.contains("action=append"))).hasSize(32);
            System.out.println(output.lines().filter(l -> l.startsWith("ok=")).findFirst().orElse(""));
        }
    }
}
