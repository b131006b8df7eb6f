package io.flowexport.destination.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming to an event hub over AMQP: a JSON Lines export of one million rows (about 90 MB) goes out as messages of
 * 100 rows from a JVM whose heap is 64 MB, read one batch at a time. A sender that read the export, or the messages,
 * into memory would die with OutOfMemoryError.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MessagingSmallHeapIT {

    private static final int ROWS = 1_000_000;
    private static final String KEY = "c21hbGwtaGVhcC1zZW5kLWtleQ==";

    @TempDir
    Path dir;

    @Test
    void aMillionRowsAreSentFromA64MbHeap() throws Exception {
        Path file = dir.resolve("big.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i <= ROWS; i++) {
                out.write("{\"id\":" + i + ",\"customer\":\"customer-" + (i % 977) + "\",\"amount\":" + (i % 10_000)
                        + ".25,\"note\":\"row number " + i + " of the small heap test\",\"xt_batch_id\":1}\n");
            }
        }
        assertThat(Files.size(file)).isGreaterThan(64L << 20);
        try (AmqpBroker broker = AmqpBroker.start().addKey("send", KEY).createEventHub("big", 4)) {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", classPath,
                    MessagingSmallHeapSend.class.getName(), broker.connectionString("send", KEY), "big",
                    file.toString(), Files.createDirectories(dir.resolve("out")).toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("ok=true", "maxHeap=");
            List<AmqpBroker.Received> got = broker.received("big");
            assertThat(got).hasSize(ROWS / 100);
            assertThat(got.stream().mapToLong(r -> (Long) r.applicationProperties().get("row_count")).sum())
                    .isEqualTo(ROWS);
            assertThat(got.stream().map(AmqpBroker.Received::messageId).distinct()).hasSize(ROWS / 100);
            assertThat(broker.transfers("big")).allSatisfy(t -> assertThat(t.sizeBytes())
                    .isLessThanOrEqualTo(AmqpBroker.STANDARD_MAX_MESSAGE_BYTES));
            System.out.println(output.lines().filter(l -> l.startsWith("ok=")).findFirst().orElse(""));
        }
    }
}
