package io.flowexport.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

        Harness.Outcome missing = javaJar(h, "run-once", "--all");
        assertThat(missing.code()).as(missing.out() + missing.err()).isEqualTo(2);
        assertThat(missing.err()).contains("no JDBC driver for jdbc:mysql://127.0.0.1:3306/fe_lib_it",
                "(database 'mysql')", "lib directory " + dir.resolve("lib"),
                "put the database's JDBC driver jar in " + dir.resolve("lib"));
        assertThat(h.files()).isEmpty();

        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String prefix : List.of("mysql-connector-j-", "camel-stream-")) {
            Path jar = PackagedJar.classPathJar(prefix);
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        Harness.Outcome ok = javaJar(h, "run-once", "--all");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).containsPattern("orders_inc +ok +rows=3");
        assertThat(Files.readString(h.exportDir.resolve("orders_2.csv")))
                .isEqualTo("order_id,total,xt_batch_id\n1,10.50,1\n2,20.00,1\n3,30.25,2\n");
        assertThat(Files.readString(streamed)).isEqualTo(Files.readString(h.exportDir.resolve("orders_2.csv")));
    }

    /** Runs the packaged jar with {@code java -jar} in {@link #dir} (so {@code lib/} is {@code dir/lib}). */
    private Harness.Outcome javaJar(Harness h, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--flows", h.flows.toString(), "--config", h.config.toString()));
        return PackagedJar.run(dir, List.of(), java.time.Duration.ofMinutes(2), all.toArray(String[]::new));
    }
}
