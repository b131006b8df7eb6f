package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.destination.messaging.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with an {@code eventhub} destination (over Kafka, next to a file destination) against PostgreSQL and
 * an in-process Kafka broker that accepts only the Event Hubs login: every source row arrives once as an event, a
 * refused connection string keeps the watermark and owes the event hub the same rows alone, and the connection
 * string never appears in any output.
 */
class EventHubDestinationIT {

    private static final String CS = "Endpoint=sb://contoso-events.servicebus.windows.net/;SharedAccessKeyName=send;"
            + "SharedAccessKey=ZXZlbnRodWItZGVzdGluYXRpb24taXQ=";

    @TempDir
    Path tmp;

    @Test
    void rowsArriveOnceAsEventsAndARefusedLoginIsOwedToTheEventHubAlone() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(CS)) {
            broker.createTopic("orders", 2);
            Harness h = Harness.postgres(tmp, "fe_eventhub_it");
            Path secret = Files.writeString(tmp.resolve("eventhub.cs"), CS + "\n");
            h.sql("CREATE TABLE feed (id integer PRIMARY KEY, region text, xt_record_type text NOT NULL, "
                            + "xt_batch_id bigint NOT NULL)",
                    "INSERT INTO feed SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, 'new', 1 + g / 10 "
                            + "FROM generate_series(1, 25) g");
            h.flow("feed", "id = \"feed\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                    + "export_mode = \"changes_only\"\nfile_path = \"feed/{batch_id}.json\"\n"
                    + "[properties.export.destination]\ntype = \"eventhub\"\nname = \"events\"\n"
                    + "namespace = \"contoso-events\"\nevent_hub = \"orders\"\nprotocol = \"kafka\"\n"
                    + "endpoint = \"" + broker.bootstrapServers() + "\"\ntls = false\nmessage_key = [\"id\"]\n"
                    + "partition_key = \"region\"\nmax_attempts = 1\nsend_timeout = \"10s\"\n"
                    + "auth = { type = \"connection_string\", value = \"${file:" + secret.toAbsolutePath() + "}\" }\n");

            Harness.Outcome check = h.cli("check", "--all").ok();
            assertThat(check.out()).contains("ok     eventhub 'events'");
            Harness.Outcome first = h.cli("run-once", "--all").ok();
            assertThat(first.out()).contains("batches=1..3");
            List<ConsumerRecord<byte[], byte[]>> events = broker.consumeAll("orders", 25, Duration.ofSeconds(30));
            assertThat(events).extracting(r -> new ObjectMapper().readTree(r.value()).get("id").asInt())
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 25).boxed().toList());
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

            h.sql("INSERT INTO feed VALUES (100, 'eu', 'changed', 4), (101, 'us', 'deleted', 4)");
            Files.writeString(secret, CS.replace("ZXZl", "d3Jv") + "\n");
            Harness.Outcome refused = h.cli("run-once", "--all");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.out()).contains("delivery failed to eventhub 'events'", "was refused",
                    "the next run sends this file to 'events' only");
            assertThat(h.files()).contains("feed/4.json");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

            Files.writeString(secret, CS + "\n");
            Harness.Outcome second = h.cli("run-once", "--all").ok();
            assertThat(second.out()).contains("re-sent the file of run").contains("to 'events'");
            List<ConsumerRecord<byte[], byte[]>> all = broker.consumeAll("orders", 27, Duration.ofSeconds(30));
            assertThat(all).hasSize(27);
            assertThat(all.stream().filter(r -> new String(r.headers().lastHeader("batch_id").value(),
                    StandardCharsets.UTF_8).equals("4")).map(r -> new String(r.headers().lastHeader("xt_record_type")
                    .value(), StandardCharsets.UTF_8))).containsExactlyInAnyOrder("changed", "deleted");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));

            for (Harness.Outcome o : new Harness.Outcome[] {check, first, refused, second}) {
                assertThat(o.out() + o.err()).doesNotContain("SharedAccessKey=");
            }
        }
    }
}
