package io.flowexport.it;

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
 * The {@code lib/} directory with {@code java -jar}: a JDBC driver the jar does not bundle (MySQL Connector/J,
 * talking to this machine's MariaDB) and a Camel component it does not bundle (camel-stream) are picked up from
 * {@code lib/} in the working directory; without them, the missing driver is an error that names the URL's
 * database, says the driver is not there and what to do.
 */
class LibDirectoryIT {

    @TempDir
    Path dir;

    @Test
    void aDriverAndAComponentInLibWorkWithJavaJar() throws Exception {
        Harness h = Harness.mariadb(dir, "fe_lib_it");
        h.sql("CREATE TABLE orders (order_id INT PRIMARY KEY, total DECIMAL(12,2), xt_batch_id BIGINT NOT NULL)",
                "INSERT INTO orders VALUES (1, 10.50, 1), (2, 20.00, 1), (3, 30.25, 2)");
        String config = Files.readString(h.config).replace("jdbc:mariadb:", "jdbc:mysql:");
        Files.writeString(h.config, config);
        Path streamed = dir.resolve("streamed.csv");
        h.flow("orders", "id = \"orders_inc\"\n[properties.export]\nsource_dataset_id = \"orders\"\n"
                + "file_path = \"orders_{batch_id}.csv\"\nexport_mode = \"changes_only\"\n"
                + "[[properties.export.destinations]]\ntype = \"camel\"\nname = \"console\"\n"
                + "uri = \"stream:file?fileName=" + streamed + "&closeOnDone=true&appendNewLine=false\"\n");

        Run missing = javaJar(h, "run-once", "--all");
        assertThat(missing.code()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("no JDBC driver for jdbc:mysql://127.0.0.1:3306/fe_lib_it",
                "(database 'mysql')", "lib directory " + dir.resolve("lib"),
                "put the database's JDBC driver jar in " + dir.resolve("lib"));
        assertThat(h.files()).isEmpty();

        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String prefix : List.of("mysql-connector-j-", "camel-stream-")) {
            Path jar = classPathJar(prefix);
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        Run ok = javaJar(h, "run-once", "--all");
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).containsPattern("orders_inc +ok +rows=3");
        assertThat(Files.readString(h.exportDir.resolve("orders_2.csv")))
                .isEqualTo("order_id,total,xt_batch_id\n1,10.50,1\n2,20.00,1\n3,30.25,2\n");
        assertThat(Files.readString(streamed)).isEqualTo(Files.readString(h.exportDir.resolve("orders_2.csv")));
    }

    private record Run(int code, String output) {
    }

    /** Runs the packaged jar with {@code java -jar} in {@link #dir} (so {@code lib/} is {@code dir/lib}). */
    private Run javaJar(Harness h, String... args) throws Exception {
        Path jar = Path.of("target", "flow-export.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--flows", h.flows.toString(), "--config", h.config.toString()));
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("FLOWEXPORT_LIB_DIR");
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("finished").isTrue();
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static Path classPathJar(String prefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith(prefix)) {
                return Path.of(entry);
            }
        }
        throw new AssertionError(prefix + "*.jar is not on the test class path");
    }
}
