package io.flowexport.destination.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar ({@code target/flow-export.jar}, built before the integration tests) finds the bundled components
 * through its merged service files, and a component jar put in a {@code lib/} folder beside it works with
 * {@code java -cp "flow-export.jar:lib/*"}.
 */
class CamelShadedJarIT {

    @TempDir
    Path dir;

    @Test
    void theShadedJarResolvesTheBundledComponentsAndOneFromLib() throws Exception {
        Path jar = Path.of("target/flow-export.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path stream = io.flowexport.it.PackagedJar.classPathJar("camel-stream-");
        Files.copy(stream, lib.resolve(stream.getFileName()));
        Path out = dir.resolve("out.csv");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", jar + File.pathSeparator + lib + File.separator + "*" + File.pathSeparator
                + Path.of("target/test-classes").toAbsolutePath(), ShadedJarProbe.class.getName(), out.toString(),
                "sftp", "ftp", "spring-rabbitmq", "paho-mqtt5", "nats", "stream"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(output).as(output).contains("component sftp: found", "component ftp: found",
                "component spring-rabbitmq: found", "component paho-mqtt5: found", "component nats: found",
                "component stream: found", "delivered: true");
        assertThat(output).containsPattern("not found: .*no Camel component 'nosuch' on the class path; "
                + "available: .*nats, paho-mqtt5.*sftp.*spring-rabbitmq.*stream");
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(CamelFiles.csv(dir)));
    }
}
