package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.flowexport.destination.Delivered;
import io.flowexport.flow.FileFormat;
import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The camel destination against an in-process SFTP server (Apache MINA SSHD) with password login. */
class CamelSftpIT {

    /** Characters that would change a URI's meaning if a secret were pasted into it unencoded. */
    private static final String PASSWORD = "Pw-s3cr&t+%40=x y@z";
    private static final String USER = "exports";

    @TempDir
    static Path dir;
    private static SshServer sshd;
    private static Path root;
    private static CamelContext context;
    private static Path passwordFile;

    private final CamelConnector connector = new CamelConnector(() -> context,
            new Secrets(Map.of("SFTP_PASSWORD", PASSWORD, "WRONG_PASSWORD", "Wr0ng-pass-word")::get));

    @BeforeAll
    static void start() throws IOException {
        root = Files.createDirectories(dir.resolve("sftp-root"));
        passwordFile = Files.writeString(dir.resolve("sftp-password"), PASSWORD + "\n");
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key.ser")));
        sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterAll
    static void stop() throws IOException {
        context.stop();
        sshd.stop(true);
    }

    private static String uri(String passwordPart) {
        return "sftp://" + USER + "@127.0.0.1:" + sshd.getPort() + "/in/{flow_id}?" + passwordPart
                + "&autoCreate=true&strictHostKeyChecking=no&useUserKnownHostsFile=false";
    }

    @Test
    void deliversACsvFileByteForByteUnderItsRenderedName() throws IOException {
        Path file = CamelFiles.csv(dir);
        Delivered d = connector.deliver(CamelFiles.shipment(file, FileFormat.CSV, "r1"),
                CamelSpec.of("partner", uri("password=${env:SFTP_PASSWORD}")), 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.target()).contains("password=xxxxxx").doesNotContain(PASSWORD);
        assertThat(Files.readAllBytes(root.resolve("in/orders/orders_r1.csv"))).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void deliversA200KbBinaryFileWithAPasswordFromAFile() throws IOException {
        Path file = CamelFiles.parquetLike(dir);
        CamelSpec spec = new CamelSpec("partner", null, "sftp://" + USER + "@127.0.0.1:" + sshd.getPort()
                + "/in?password=${file:" + passwordFile + "}&autoCreate=true&strictHostKeyChecking=no"
                + "&useUserKnownHostsFile=false",
                "{flow_id}/{ds}/part-{batch_id}.parquet", null, 1, Duration.ZERO, Duration.ZERO);

        Delivered d = connector.deliver(CamelFiles.shipment(file, FileFormat.PARQUET, "r2"), spec, 0);

        assertThat(d.ok()).as(d.detail()).isTrue();
        assertThat(d.detail()).contains("orders/2026-12-05/part-44.parquet", "application/vnd.apache.parquet",
                "204800 bytes");
        assertThat(Files.readAllBytes(root.resolve("in/orders/2026-12-05/part-44.parquet")))
                .isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void aWrongPasswordIsANotOkDeliveryThatNamesTheDestinationAndNeverShowsTheSecret() throws IOException {
        Path file = CamelFiles.csv(dir);
        ListAppender<ILoggingEvent> logs = capture();
        Delivered d;
        try {
            d = connector.deliver(CamelFiles.shipment(file, FileFormat.CSV, "r3"),
                    CamelSpec.of("partner", uri("password=${env:WRONG_PASSWORD}"))
                            .withRetry(2, Duration.ofMillis(10), Duration.ofMillis(10)), 0);
        } finally {
            release(logs);
        }

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("flow 'orders' camel destination 'partner'", "sftp://exports@127.0.0.1:"
                + sshd.getPort(), "password=xxxxxx", "after 2 attempt(s)", "Auth fail",
                "check the user name and the secret").doesNotContain("Wr0ng-pass-word");
        assertThat(d.target()).doesNotContain("Wr0ng-pass-word");
        assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(text(e)).doesNotContain("Wr0ng-pass-word"));
        assertThat(Files.exists(root.resolve("in/orders/orders_r3.csv"))).isFalse();
    }

    @Test
    void aClosedPortIsANotOkDeliveryThatSaysToCheckTheServer() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Delivered d = connector.deliver(CamelFiles.shipment(CamelFiles.csv(dir), FileFormat.CSV, "r4"),
                CamelSpec.of("partner", "sftp://" + USER + "@127.0.0.1:" + closed + "/in?password=${env:SFTP_PASSWORD}")
                        .withRetry(1, Duration.ZERO, Duration.ZERO), 0);

        assertThat(d.ok()).isFalse();
        assertThat(d.detail()).contains("camel destination 'partner'", "127.0.0.1:" + closed,
                "check that the server runs and listens").doesNotContain(PASSWORD);
    }

    @Test
    void checkCreatesTheEndpointWithoutSendingAndNamesAnUnknownComponent() {
        assertThat(connector.check(CamelSpec.of("partner", uri("password=${env:SFTP_PASSWORD}")), Map.of()))
                .isNull();
        assertThat(connector.check(CamelSpec.of("partner", "sftpx://h/in"), Map.of()))
                .contains("no Camel component 'sftpx'", "sftp");
        assertThat(root.resolve("in/orders/orders_r9.csv")).doesNotExist();
    }

    /** Every log line, at DEBUG for Camel, JSch and flow-export, while a delivery runs. */
    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLogger.addAppender(logs);
        for (String name : List.of("org.apache.camel", "com.jcraft", "io.flowexport")) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.DEBUG);
        }
        return logs;
    }

    private static void release(ListAppender<ILoggingEvent> logs) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (String name : List.of("org.apache.camel", "com.jcraft", "io.flowexport")) {
            ((Logger) LoggerFactory.getLogger(name)).setLevel(null);
        }
        ((Logger) LoggerFactory.getLogger("org.apache.camel")).setLevel(Level.WARN);
    }

    private static String text(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(' ').append(t.getMessage());
        }
        return sb.toString();
    }
}
