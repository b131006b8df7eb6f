package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file is the body as a stream: a 100 MB file goes over SFTP from a JVM with a 48 MB heap, which could not hold
 * it, and arrives whole.
 */
class CamelSftpSmallHeapIT {

    private static final String HEAP = "-Xmx48m";
    private static final int MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aFileLargerThanTheHeapIsStreamed() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sftp-root/in"));
        Path password = Files.writeString(dir.resolve("password"), "small-heap-pass");
        Path file = dir.resolve("big.parquet");
        byte[] block = new byte[MB];
        Random random = new Random(7);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 100; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key.ser")));
        sshd.setPasswordAuthenticator((u, p, s) -> "exports".equals(u) && "small-heap-pass".equals(p));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root.getParent()));
        sshd.start();
        try {
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Path log = dir.resolve("child.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                    "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, SftpSmallHeapSend.class.getName(),
                    String.valueOf(sshd.getPort()), password.toString(), file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("maxHeap=", "delivered=true");
        } finally {
            sshd.stop(true);
        }
        Path received = root.resolve("big.parquet");
        assertThat(Files.size(received)).isEqualTo(100L * MB);
        assertThat(sha256(received)).isEqualTo(sha256(file));
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
