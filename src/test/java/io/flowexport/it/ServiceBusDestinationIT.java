package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowexport.destination.messaging.AmqpBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with a {@code servicebus} destination (a session-enabled queue with duplicate detection, over AMQP)
 * and an {@code eventhub} destination over AMQP, against PostgreSQL and {@link AmqpBroker}: every source row
 * arrives once in each; a busy namespace that outlasts the tries keeps the watermark and owes the rows to the queue
 * alone, which the next run sends with the same MessageIds; the connection string never appears in any output.
 */
class ServiceBusDestinationIT {

    private static final String KEY = "c2VydmljZWJ1cy1kZXN0aW5hdGlvbi1pdA==";

    @TempDir
    Path tmp;

    @Test
    void rowsArriveOnceAndABusyQueueIsOwedTheSameMessageIds() throws Exception {
        try (AmqpBroker broker = AmqpBroker.start().addKey("send", KEY)) {
            broker.createQueue("orders", AmqpBroker.EntityOption.REQUIRES_SESSION,
                    AmqpBroker.EntityOption.REQUIRES_DUPLICATE_DETECTION);
            broker.createEventHub("orders-hub", 2);
            Harness h = Harness.postgres(tmp, "fe_servicebus_it");
            Path secret = Files.writeString(tmp.resolve("bus.cs"), broker.connectionString("send", KEY) + "\n");
            h.sql("CREATE TABLE feed (id integer PRIMARY KEY, region text, xt_record_type text NOT NULL, "
                            + "xt_batch_id bigint NOT NULL)",
                    "INSERT INTO feed SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, 'new', 1 + g / 10 "
                            + "FROM generate_series(1, 25) g");
            String auth = "auth = { type = \"connection_string\", value = \"${file:" + secret.toAbsolutePath()
                    + "}\" }\n";
            h.flow("feed", "id = \"feed\"\n[properties.export]\nsource_dataset_id = \"feed\"\n"
                    + "export_mode = \"changes_only\"\nformat = \"json\"\n"
                    + "[[properties.export.destinations]]\ntype = \"servicebus\"\nname = \"bus\"\n"
                    + "namespace = \"contoso-bus\"\nqueue = \"orders\"\nmessage_key = [\"id\"]\n"
                    + "session_id = \"region\"\nmax_attempts = 2\ninitial_backoff = \"10ms\"\nsend_timeout = \"10s\"\n"
                    + auth
                    + "[[properties.export.destinations]]\ntype = \"eventhub\"\nname = \"hub\"\n"
                    + "namespace = \"contoso-bus\"\nevent_hub = \"orders-hub\"\nmessage_key = [\"id\"]\n"
                    + "partition_key = \"region\"\nsend_timeout = \"10s\"\n" + auth);

            Harness.Outcome check = h.cli("check", "--all").ok();
            assertThat(check.out()).contains("ok     servicebus 'bus'", "ok     eventhub 'hub'");
            Harness.Outcome first = h.cli("run-once", "--all").ok();
            assertThat(first.out()).contains("batches=1..3");
            ObjectMapper json = new ObjectMapper();
            List<Integer> all25 = IntStream.rangeClosed(1, 25).boxed().toList();
            assertThat(broker.received("orders"))
                    .extracting(r -> json.readTree(r.body()).get("id").asInt())
                    .containsExactlyInAnyOrderElementsOf(all25);
            assertThat(broker.received("orders-hub")).extracting(r -> json.readTree(r.body()).get("id").asInt())
                    .containsExactlyInAnyOrderElementsOf(all25);
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

            h.sql("INSERT INTO feed VALUES (100, 'eu', 'changed', 4), (101, 'us', 'deleted', 4)");
            broker.failNext("orders", 2, "com.microsoft:server-busy", "The request was terminated because the "
                    + "entity is being throttled.");
            Harness.Outcome busy = h.cli("run-once", "--all");
            assertThat(busy.code()).isEqualTo(1);
            assertThat(busy.out()).contains("delivery failed to servicebus 'bus'", "is busy (throttled)",
                    "the next run sends this file to 'bus' only");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(3));

            Harness.Outcome second = h.cli("run-once", "--all").ok();
            assertThat(second.out()).contains("re-sent the file of run").contains("to 'bus'");
            assertThat(broker.received("orders-hub")).as("the event hub got batch 4 once").hasSize(27);
            assertThat(broker.received("orders")).hasSize(27)
                    .filteredOn(r -> Long.valueOf(4).equals(r.applicationProperties().get("batch_id")))
                    .extracting(r -> r.applicationProperties().get("xt_record_type"))
                    .containsExactlyInAnyOrder("changed", "deleted");
            assertThat(h.watermark("feed")).isEqualTo(OptionalLong.of(4));

            for (Harness.Outcome o : new Harness.Outcome[] {check, first, busy, second}) {
                assertThat(o.out() + o.err()).doesNotContain("SharedAccessKey=").doesNotContain(KEY);
            }
        }
    }
}
