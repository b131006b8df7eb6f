package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import io.flowexport.destination.camel.MqttCollector;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code camel} destination through whole {@code run-once} runs of the runner, on PostgreSQL:
 * <ul>
 *   <li>an SFTP endpoint (Apache MINA SSHD, in process, password from a {@code ${file:...}} reference) that refuses
 *   the first run (nothing listens on its port) leaves a pending delivery: the run fails, the file destination has
 *   the file, the watermark stays and {@code state show} says the file is owed to the endpoint. Once the server is
 *   up the next run sends the kept file to the endpoint alone (the file destination is not published again), under
 *   the first run's default name {@code <flow>_<first run id>.csv}, byte for byte, and the watermark moves; the run
 *   after it publishes a new batch to both under its own run's name;</li>
 *   <li>one run to a file destination and to RabbitMQ, Mosquitto (MQTT 5) and NATS at once: each broker's
 *   subscriber gets the published file byte for byte as one message, with its content type and the
 *   flow-export headers where the protocol carries them; the AMQP connection the URI made is closed after the
 *   run;</li>
 *   <li>a RabbitMQ exchange that is not there yet refuses the first run's message (publisher confirms) while NATS
 *   gets it: once the exchange exists the next run sends the kept file to RabbitMQ alone, with the first run's run
 *   id and file name in its headers, and NATS gets nothing more.</li>
 * </ul>
 * The flows are {@code incremental} on a dataset without change-feed columns: a run exports the latest batch above
 * the watermark.
 */
class CamelDestinationRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters that would change the URI's meaning if the runner pasted the secret in unencoded. */
    private static final String SFTP_PASSWORD = "Pw-s3cr&t+%40=x y@z";
    private static final String SFTP_USER = "exports";

    @TempDir
    Path tmp;

    private SshServer sshd;

    @AfterEach
    void stopSftp() throws IOException {
        if (sshd != null) {
            sshd.stop(true);
        }
    }

    @Test
    void aRefusingSftpEndpointGetsThePendingFileAloneAtTheNextRunUnderTheFirstRunsName() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_camel_run_sftp");
        h.sql("CREATE TABLE parcels (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO parcels SELECT g, 'n, \"' || g || '\" é', 1 + g / 10 FROM generate_series(1, 25) g");
        Path passwordFile = Files.writeString(tmp.resolve("sftp-password"), SFTP_PASSWORD + "\n");
        int port = freePort();
        h.flow("parcels", "id = \"parcels\"\n[properties.export]\nsource_dataset_id = \"parcels\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"out/{batch_id}.csv\"\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"partner\"\n"
                + "uri = \"sftp://" + SFTP_USER + "@127.0.0.1:" + port + "/in?password=${file:"
                + passwordFile.toAbsolutePath() + "}&autoCreate=true&strictHostKeyChecking=no"
                + "&useUserKnownHostsFile=false\"\nmax_attempts = 1\n");

        Harness.Outcome first = h.cli("run-once", "parcels");
        assertThat(first.code()).as("exit code; out:%n%s%nerr:%n%s", first.out(), first.err()).isEqualTo(1);
        assertThat(first.out()).contains("camel 'partner'").contains("127.0.0.1:" + port)
                .contains("the next run sends this file to 'partner' only");
        assertThat(published(h)).containsExactly("out/3.csv");
        Path file = h.exportDir.resolve("out/3.csv");
        byte[] bytes = Files.readAllBytes(file);
        long fileTime = Files.getLastModifiedTime(file).toMillis();
        assertThat(h.watermark("parcels")).isEqualTo(OptionalLong.empty());
        JsonNode failed = history(h, "parcels").get(0);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        String firstRun = failed.path("run_id").asText();
        assertThat(firstRun).isNotBlank();
        String shown = h.cli("state", "show", "parcels").ok().out();
        assertThat(shown).contains("watermark:    none")
                .contains("pending:      the file of run " + firstRun + " (batches 3, 6 rows")
                .contains("is owed to partner")
                .contains("camel 'partner': owes the file of run " + firstRun + " (batches 3)")
                .contains("file 'file': has the file of run " + firstRun);

        Path root = startSftp(port);
        Harness.Outcome second = h.cli("run-once", "parcels").ok();
        assertThat(second.out()).contains("re-sent the file of run " + firstRun).contains("to 'partner'");
        assertThat(sftpFiles(root)).containsExactly("in/parcels_" + firstRun + ".csv");
        assertThat(Files.readAllBytes(root.resolve("in/parcels_" + firstRun + ".csv"))).isEqualTo(bytes);
        assertThat(published(h)).as("the file destination was not published again").containsExactly("out/3.csv");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(fileTime);
        assertThat(h.watermark("parcels")).isEqualTo(OptionalLong.of(3));
        JsonNode resent = history(h, "parcels").get(0);
        assertThat(resent.path("status").asText()).isEqualTo("ok");
        assertThat(resent.path("destinations").toString()).contains("\"name\":\"partner\",\"type\":\"camel\"")
                .doesNotContain("\"name\":\"file\"");
        assertThat(h.cli("state", "show", "parcels").ok().out()).contains("pending:      none")
                .contains("camel 'partner': has every batch up to 3");

        h.sql("INSERT INTO parcels VALUES (100, 'late', 4), (101, 'later', 4)");
        Harness.Outcome third = h.cli("run-once", "parcels").ok();
        assertThat(third.out()).contains("batches=4");
        String thirdRun = history(h, "parcels").get(0).path("run_id").asText();
        assertThat(thirdRun).isNotEqualTo(firstRun);
        assertThat(published(h)).containsExactly("out/3.csv", "out/4.csv");
        assertThat(h.csvColumn("out/4.csv", "id")).containsExactly("100", "101");
        assertThat(sftpFiles(root)).containsExactly("in/parcels_" + firstRun + ".csv",
                "in/parcels_" + thirdRun + ".csv");
        assertThat(Files.readAllBytes(root.resolve("in/parcels_" + thirdRun + ".csv")))
                .isEqualTo(Files.readAllBytes(h.exportDir.resolve("out/4.csv")));
        assertThat(h.watermark("parcels")).isEqualTo(OptionalLong.of(4));
        assertThat(h.files()).as("the pending file is gone").allMatch(f -> f.startsWith("out/"));

        String everything = first.out() + first.err() + second.out() + second.err() + third.out() + third.err()
                + shown + h.cli("history", "parcels", "--json").ok().out();
        assertThat(everything).doesNotContain(SFTP_PASSWORD).doesNotContain("s3cr&t");
    }

    @Test
    void oneRunPublishesTheFileToRabbitMqMqttAndNatsByteForByte() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_camel_run_brokers");
        h.sql("CREATE TABLE relay (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO relay SELECT g, 'n, \"' || g || '\" ü€', 1 + g / 10 FROM generate_series(1, 25) g");
        Path rabbitPassword = Files.writeString(tmp.resolve("rabbit-password"), "guest\n");
        String id = UUID.randomUUID().toString().replace("-", "");
        String exchange = "flowexport.it.run." + id;
        String topic = "flowexport/it/run/" + id;
        String subject = "flowexport.it.run." + id;
        h.flow("relay", "id = \"relay\"\n[properties.export]\nsource_dataset_id = \"relay\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"relay/{batch_id}.csv\"\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"rabbit\"\n"
                + "uri = \"" + rabbitUri(exchange, rabbitPassword) + "\"\nmax_attempts = 1\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"mqtt\"\n"
                + "uri = \"paho-mqtt5:" + topic + "/{flow_id}?brokerUrl=tcp://127.0.0.1:1883&qos=1\"\n"
                + "max_attempts = 1\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"nats\"\n"
                + "uri = \"nats:" + subject + ".{flow_id}?servers=127.0.0.1:4222\"\nmax_attempts = 1\n");

        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        BlockingQueue<MqttMessage> mqttReceived = new LinkedBlockingQueue<>();
        BlockingQueue<Message> natsReceived = new LinkedBlockingQueue<>();
        MqttClient mqtt = new MqttClient("tcp://127.0.0.1:1883", "flowexport-run-it-" + id, new MemoryPersistence());
        io.nats.client.Connection nats = Nats.connect("nats://127.0.0.1:4222");
        try (Connection rabbit = f.newConnection(); Channel ch = rabbit.createChannel()) {
            ch.exchangeDeclare(exchange, "direct", false, true, null);
            String queue = ch.queueDeclare().getQueue();
            ch.queueBind(queue, exchange, "exports");
            mqtt.setCallback(new MqttCollector(mqttReceived));
            mqtt.connect(new MqttConnectionOptions());
            mqtt.subscribe(topic + "/#", 1);
            nats.createDispatcher(natsReceived::add).subscribe(subject + ".>");
            nats.flush(Duration.ofSeconds(5));

            Harness.Outcome run = h.cli("run-once", "relay").ok();
            assertThat(run.out()).contains("rows=6").contains("batches=3 ");
            assertThat(h.watermark("relay")).isEqualTo(OptionalLong.of(3));
            assertThat(h.files()).containsExactly("relay/3.csv");
            byte[] bytes = Files.readAllBytes(h.exportDir.resolve("relay/3.csv"));
            JsonNode last = history(h, "relay").get(0);
            String runId = last.path("run_id").asText();
            assertThat(last.path("destinations").toString()).contains("\"name\":\"file\"")
                    .contains("\"name\":\"rabbit\"").contains("\"name\":\"mqtt\"").contains("\"name\":\"nats\"")
                    .doesNotContain("\"ok\":false");
            String fileName = "relay_" + runId + ".csv";

            AtomicReference<GetResponse> got = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                got.set(ch.basicGet(queue, true));
                return got.get() != null;
            });
            assertThat(got.get().getBody()).isEqualTo(bytes);
            AMQP.BasicProperties props = got.get().getProps();
            assertThat(props.getContentType()).isEqualTo("text/csv");
            Map<String, String> amqpHeaders = new HashMap<>();
            props.getHeaders().forEach((k, v) -> amqpHeaders.put(k, String.valueOf(v)));
            assertThat(amqpHeaders).containsEntry("FlowExportFileName", fileName)
                    .containsEntry("FlowExportFlowId", "relay").containsEntry("FlowExportRunId", runId)
                    .containsEntry("FlowExportBatchRange", "3")
                    .containsEntry("FlowExportIdempotencyKey", props.getMessageId());
            assertThat(ch.messageCount(queue)).as("one message").isZero();

            await().atMost(Duration.ofSeconds(20)).until(() -> !mqttReceived.isEmpty());
            MqttMessage m = mqttReceived.poll();
            assertThat(m.getPayload()).isEqualTo(bytes);
            assertThat(m.getProperties().getContentType()).isEqualTo("text/csv");
            Map<String, String> user = new HashMap<>();
            for (UserProperty p : m.getProperties().getUserProperties()) {
                user.put(p.getKey(), p.getValue());
            }
            assertThat(user).containsEntry("FlowExportFileName", fileName).containsEntry("FlowExportRunId", runId);

            await().atMost(Duration.ofSeconds(20)).until(() -> !natsReceived.isEmpty());
            Message n = natsReceived.poll();
            assertThat(n.getSubject()).isEqualTo(subject + ".relay");
            assertThat(n.getData()).isEqualTo(bytes);
            assertThat(n.getHeaders().getFirst("Content-Type")).isEqualTo("text/csv");
            assertThat(n.getHeaders().getFirst("FlowExportFileName")).isEqualTo(fileName);
            assertThat(n.getHeaders().getFirst("FlowExportBatchRange")).isEqualTo("3");

            assertThat(mqttReceived).as("one MQTT message").isEmpty();
            assertThat(natsReceived).as("one NATS message").isEmpty();
            assertThat(run.out() + run.err()).doesNotContain("password=guest");
        } finally {
            closeQuietly(mqtt);
            nats.close();
        }
        // the connection factory the URI made is closed with its endpoint when the run is done
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("AMQP Connection") && t.isAlive()));
    }

    @Test
    void aBrokerThatRefusedGetsThePendingFileAloneAtTheNextRunWithTheFirstRunsHeaders() throws Exception {
        Harness h = Harness.postgres(tmp, "fe_camel_run_refused");
        h.sql("CREATE TABLE relay (id integer PRIMARY KEY, name text, xt_batch_id bigint NOT NULL)",
                "INSERT INTO relay SELECT g, 'n' || g, 1 + g / 10 FROM generate_series(1, 25) g");
        Path rabbitPassword = Files.writeString(tmp.resolve("rabbit-password"), "guest\n");
        String id = UUID.randomUUID().toString().replace("-", "");
        String exchange = "flowexport.it.late." + id;
        String subject = "flowexport.it.late." + id;
        h.flow("relay", "id = \"relay\"\n[properties.export]\nsource_dataset_id = \"relay\"\n"
                + "export_mode = \"incremental\"\nfile_path = \"relay/{batch_id}.csv\"\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"nats\"\n"
                + "uri = \"nats:" + subject + "?servers=127.0.0.1:4222\"\nmax_attempts = 1\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"rabbit\"\n"
                + "uri = \"" + rabbitUri(exchange, rabbitPassword) + "\"\nmax_attempts = 1\n");
        BlockingQueue<Message> natsReceived = new LinkedBlockingQueue<>();
        io.nats.client.Connection nats = Nats.connect("nats://127.0.0.1:4222");
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(5672);
        try (Connection rabbit = f.newConnection(); Channel ch = rabbit.createChannel()) {
            nats.createDispatcher(natsReceived::add).subscribe(subject);
            nats.flush(Duration.ofSeconds(5));

            // no exchange yet: the broker refuses the message and the publisher confirm says so
            Harness.Outcome first = h.cli("run-once", "relay");
            assertThat(first.code()).as("exit code; out:%n%s%nerr:%n%s", first.out(), first.err()).isEqualTo(1);
            assertThat(first.out()).contains("camel 'rabbit'").contains("NOT_FOUND")
                    .contains("the next run sends this file to 'rabbit' only");
            assertThat(h.watermark("relay")).isEqualTo(OptionalLong.empty());
            String firstRun = history(h, "relay").get(0).path("run_id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> !natsReceived.isEmpty());
            Message n = natsReceived.poll();
            byte[] bytes = Files.readAllBytes(h.exportDir.resolve("relay/3.csv"));
            assertThat(n.getData()).isEqualTo(bytes);
            assertThat(n.getHeaders().getFirst("FlowExportRunId")).isEqualTo(firstRun);

            ch.exchangeDeclare(exchange, "direct", false, true, null);
            String queue = ch.queueDeclare().getQueue();
            ch.queueBind(queue, exchange, "exports");
            Harness.Outcome second = h.cli("run-once", "relay").ok();
            assertThat(second.out()).contains("re-sent the file of run " + firstRun).contains("to 'rabbit'");
            AtomicReference<GetResponse> got = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                got.set(ch.basicGet(queue, true));
                return got.get() != null;
            });
            assertThat(got.get().getBody()).isEqualTo(bytes);
            Map<String, String> headers = new HashMap<>();
            got.get().getProps().getHeaders().forEach((k, v) -> headers.put(k, String.valueOf(v)));
            assertThat(headers).as("the re-sent message is the first run's")
                    .containsEntry("FlowExportRunId", firstRun)
                    .containsEntry("FlowExportFileName", "relay_" + firstRun + ".csv")
                    .containsEntry("FlowExportBatchRange", "3")
                    .containsEntry("FlowExportIdempotencyKey", got.get().getProps().getMessageId());
            assertThat(ch.messageCount(queue)).isZero();
            assertThat(h.watermark("relay")).isEqualTo(OptionalLong.of(3));
            nats.flush(Duration.ofSeconds(5));
            assertThat(natsReceived).as("NATS had the file already: not sent again").isEmpty();
        } finally {
            nats.close();
        }
    }

    /** With publisher confirms, so that the broker's refusal (e.g. no such exchange) fails the send. */
    private static String rabbitUri(String exchange, Path passwordFile) {
        return "spring-rabbitmq:" + exchange + "?routingKey=exports&connectionFactory=#class:"
                + "org.springframework.amqp.rabbit.connection.CachingConnectionFactory('127.0.0.1', 5672)"
                + "&connectionFactory.username=guest&connectionFactory.password=${file:"
                + passwordFile.toAbsolutePath() + "}&connectionFactory.publisherConfirmType=CORRELATED";
    }

    private static void closeQuietly(MqttClient mqtt) throws MqttException {
        if (mqtt.isConnected()) {
            mqtt.disconnect();
        }
        mqtt.close();
    }

    /** Starts the SFTP server on {@code port}: user {@value #SFTP_USER}, password login, rooted in a temp dir. */
    private Path startSftp(int port) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("sftp-root"));
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(tmp.resolve("host-key.ser")));
        sshd.setPasswordAuthenticator((user, password, session) -> SFTP_USER.equals(user)
                && SFTP_PASSWORD.equals(password));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        return root;
    }

    /** A port nothing listens on (as long as nobody else takes it meanwhile). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The regular files under the SFTP root, relative, sorted. */
    private static List<String> sftpFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The file destination's files (under {@code out/} of the export directory). */
    private static List<String> published(Harness h) throws IOException {
        return h.files().stream().filter(f -> f.startsWith("out/")).toList();
    }

    /** {@code history FLOW --json}, newest run first. */
    private static JsonNode history(Harness h, String flow) throws IOException {
        return JSON.readTree(h.cli("history", flow, "--json").ok().out());
    }
}
