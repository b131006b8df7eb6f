package io.flowexport.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.cli.FlowExportCli;
import io.flowexport.reload.OperatorRouteBeans;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * How much slower the idiomatic Camel export is than flow-export's own path, on the benchmark table of
 * {@code bench/change_feed_orders.sql} in PostgreSQL, all in one warm JVM so that only the export work differs; and
 * how flow-export's Parquet writer compares with parquet-avro's.
 *
 * <p>Contenders, alternated run by run, each writing a full export of the table (ordered by {@code xt_batch_id},
 * {@code order_id}) to a fresh file: <ul>
 * <li>{@code camel csv}: camel-jdbc {@code outputType=StreamList&resetAutoCommit=false&statement.fetchSize=10000}
 * on a pool like the runner's (read-only, autoCommit off), {@code split(collate(10000)).streaming()},
 * {@code marshal().csv()}, {@code file:...?fileExist=Append};</li>
 * <li>{@code camel jsonl}: the same reader, each row marshalled with Jackson ({@code marshal().json()}) in a
 * nested split whose aggregation joins the rows of a chunk with newlines, appended to the file (a split per row
 * straight into {@code file:...?fileExist=Append} opens the file per row: 16 s per 100,000 rows);</li>
 * <li>{@code flow-export csv (COPY)}, {@code flow-export csv (JDBC)} ({@code flowexport.source.copy=false}),
 * {@code flow-export jsonl}: {@code run-once} of a full-export flow through the command line, in process;</li>
 * <li>{@code parquet-avro} ({@link AvroParquetExport}: the same typed reads, an Avro record per row, snappy) and
 * {@code flow-export parquet} ({@code run-once}, snappy).</li>
 * </ul>
 * The Camel context runs with stream caching off ({@code -Dbench.streamCaching=true} turns Camel 4's default back
 * on): with it, the JSON Lines route ran out of a 64 MB heap at 100,000 rows and of a 256 MB heap at 1M (without
 * it, 64 MB was enough at 100,000 rows; not profiled further).
 *
 * <p>Prints, per contender, the median wall seconds and process CPU seconds (every thread, GC and JIT included) and
 * the ratios of the Camel medians to flow-export's. JVM CPU leaves PostgreSQL's work out, which is the same query
 * for every contender except the COPY path (there PostgreSQL formats the CSV). A benchmark, not a test: run it with
 * {@code bench/camel_route_bench.sh [rows] [runs]}; {@code -Dbench.only=parquet} (comma-separated parts of names)
 * runs only some contenders.
 */
public final class CamelRouteBench {

    private static final String URL = System.getProperty("bench.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("bench.user", "postgres");
    private static final String SCHEMA = "fe_camel_route_bench";

    private CamelRouteBench() {
    }

    /**
     * @param args {@code [rows] [runs]}: table size (default 1,000,000) and timed runs per contender (default 3)
     */
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String table = "bench_change_feed_orders_" + rows;
        ensureTable(table, rows);
        Path work = Files.createTempDirectory("camel-route-bench");
        String sourceUrl = URL + "?currentSchema=" + SCHEMA;
        Path flows = Files.createDirectories(work.resolve("flows"));
        for (String format : List.of("csv", "jsonl", "parquet")) {
            Files.writeString(flows.resolve("bench_" + format + ".toml"), "id = \"bench_" + format + "\"\n"
                    + "[properties.export]\nsource_dataset_id = \"" + table + "\"\nexport_mode = \"full\"\n"
                    + "file_path = \"fe/{run_id}." + format + "\"\n");
        }
        Path copyOn = props(work, "copy-on", sourceUrl, true);
        Path copyOff = props(work, "copy-off", sourceUrl, false);

        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(sourceUrl);
        c.setUsername(USER);
        c.setAutoCommit(false);
        c.setReadOnly(true);
        c.setMaximumPoolSize(2);
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        try (HikariDataSource source = new HikariDataSource(c)) {
            CamelContext camel = camel(source, table, work.resolve("camel"));
            ProducerTemplate template = camel.createProducerTemplate();
            Map<String, Contender> contenders = new LinkedHashMap<>();
            contenders.put("camel csv", () -> template.requestBodyAndHeader("direct:csv", null, "out", "c.csv"));
            contenders.put("camel jsonl", () -> template.requestBodyAndHeader("direct:jsonl", null, "out", "c.jsonl"));
            contenders.put("flow-export csv (COPY)", () -> runOnce(flows, copyOn, "bench_csv"));
            contenders.put("flow-export csv (JDBC)", () -> runOnce(flows, copyOff, "bench_csv"));
            contenders.put("flow-export jsonl", () -> runOnce(flows, copyOn, "bench_jsonl"));
            Path avroFile = Files.createDirectories(work.resolve("camel")).resolve("a.parquet");
            contenders.put("parquet-avro", () -> AvroParquetExport.export(source, query(table), avroFile));
            contenders.put("flow-export parquet", () -> runOnce(flows, copyOn, "bench_parquet"));
            String only = System.getProperty("bench.only", "");
            if (!only.isBlank()) {
                contenders.keySet().removeIf(name -> List.of(only.split(",")).stream().noneMatch(name::contains));
            }
            for (Map.Entry<String, Contender> e : contenders.entrySet()) { // warm-up: JIT, caches, the table
                System.err.printf("warm-up %s%n", e.getKey());
                e.getValue().run();
                clean(work);
            }
            for (int run = 1; run <= runs; run++) {
                for (Map.Entry<String, Contender> e : contenders.entrySet()) {
                    System.gc();
                    long cpu0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    e.getValue().run();
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = (processCpuNanos() - cpu0) / 1e9;
                    long bytes = outputBytes(work);
                    System.err.printf(Locale.ROOT, "run %d %-24s %7.2f s wall %7.2f s CPU %,d bytes%n", run,
                            e.getKey(), wall, cpu, bytes);
                    times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {wall, cpu});
                    clean(work);
                }
            }
            camel.stop();
        }
        print(rows, runs, times);
    }

    private interface Contender {
        void run() throws Exception;
    }

    private static CamelContext camel(HikariDataSource source, String table, Path out) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.setStreamCaching(Boolean.getBoolean("bench.streamCaching"));
        OperatorRouteBeans.bind(camel, source);
        String query = query(table);
        String jdbc = "jdbc:source?outputType=StreamList&resetAutoCommit=false&statement.fetchSize=10000";
        String file = "file:" + out + "?fileName=${header.out}&fileExist=Append";
        // each row's JSON and a newline, appended to the chunk's text
        AggregationStrategy lines = (chunk, row) -> {
            String line = row.getMessage().getBody(String.class) + "\n";
            if (chunk == null) {
                row.getMessage().setBody(new StringBuilder(line));
                return row;
            }
            chunk.getMessage().getBody(StringBuilder.class).append(line);
            return chunk;
        };
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:csv").setBody(constant(query)).to(jdbc)
                        .split(simple("${collate(10000)}")).streaming()
                        .marshal().csv()
                        .toD(file);
                from("direct:jsonl").setBody(constant(query)).to(jdbc)
                        .split(simple("${collate(10000)}")).streaming()
                        .split(body(), lines).marshal().json().end()
                        .toD(file);
            }
        });
        camel.start();
        return camel;
    }

    /** The query of a full export of the table, ordered as flow-export orders a change feed. */
    private static String query(String table) {
        return "SELECT * FROM " + table + " ORDER BY xt_batch_id, order_id";
    }

    private static void runOnce(Path flows, Path props, String flow) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FlowExportCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), "run-once", flow,
                "--flows", flows.toString(), "--config", props.toString());
        if (code != 0) {
            throw new IllegalStateException("run-once " + flow + " failed: " + out + err);
        }
    }

    private static Path props(Path work, String name, String sourceUrl, boolean copy) throws IOException {
        return Files.writeString(work.resolve(name + ".properties"), String.join("\n",
                "flowexport.source.url=" + sourceUrl,
                "flowexport.source.username=" + USER,
                "flowexport.state.url=jdbc:h2:file:" + work.resolve("state-" + name).toAbsolutePath(),
                "flowexport.export.dir=" + work.resolve("out").toAbsolutePath(),
                "flowexport.source.copy=" + copy,
                "flowexport.demo=false", ""));
    }

    /** Loads {@code bench/change_feed_orders.sql} into the bench schema unless the table has {@code rows} rows. */
    private static void ensureTable(String table, int rows) throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("SET search_path TO " + SCHEMA);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                if (rs.getLong(1) == rows) {
                    return;
                }
            } catch (SQLException missing) {
                // created below
            }
            System.err.printf("loading %s (%,d rows)%n", table, rows);
            String script = Files.readString(Path.of("bench", "change_feed_orders.sql"))
                    .replace(":table", table).replace(":rows", Integer.toString(rows));
            StringBuilder sql = new StringBuilder();
            for (String line : script.split("\n")) {
                if (!line.startsWith("\\") && !line.startsWith("--")) {
                    sql.append(line).append('\n');
                }
            }
            for (String statement : sql.toString().split(";\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long outputBytes(Path work) throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("state-")
                    && !p.getFileName().toString().endsWith(".properties")
                    && !p.toString().contains("/flows/") && !p.toString().contains("/.flowexport/"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Deletes the export files between runs (not the flows, settings or state stores). */
    private static void clean(Path work) throws IOException {
        for (String dir : List.of("camel", "out/fe")) {
            Path d = work.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path p : s.filter(Files::isRegularFile).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static void print(int rows, int runs, Map<String, List<double[]>> times) throws IOException {
        System.out.printf(Locale.ROOT, "%,d rows, median of %d runs, one warm JVM (java %s, %d CPUs, load average"
                + " at the end %s)%n%n", rows, runs, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println("| contender | wall s | JVM CPU s | wall ratio | JVM CPU ratio |");
        System.out.println("|---|---:|---:|---|---|");
        Map<String, List<String>> against = Map.of(
                "camel csv", List.of("flow-export csv (COPY)", "flow-export csv (JDBC)"),
                "camel jsonl", List.of("flow-export jsonl"),
                "parquet-avro", List.of("flow-export parquet"));
        for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
            double[] m = median(e.getValue());
            List<String> wall = new ArrayList<>();
            List<String> cpu = new ArrayList<>();
            for (String base : against.getOrDefault(e.getKey(), List.of())) {
                if (times.containsKey(base)) {
                    double[] b = median(times.get(base));
                    wall.add(String.format(Locale.ROOT, "%.2fx %s", m[0] / b[0], base));
                    cpu.add(String.format(Locale.ROOT, "%.2fx %s", m[1] / b[1], base));
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s |%n", e.getKey(), m[0], m[1],
                    String.join(", ", wall), String.join(", ", cpu));
        }
    }

    private static String loadAverage() throws IOException {
        Path proc = Path.of("/proc/loadavg");
        return Files.isReadable(proc) ? String.join(" ", List.of(Files.readString(proc).split(" ")).subList(0, 3))
                : "unknown";
    }

    private static double[] median(List<double[]> xs) {
        double[] wall = xs.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] cpu = xs.stream().mapToDouble(x -> x[1]).sorted().toArray();
        return new double[] {wall[wall.length / 2], cpu[cpu.length / 2]};
    }
}
