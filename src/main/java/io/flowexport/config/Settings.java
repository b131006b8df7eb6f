package io.flowexport.config;

import io.flowexport.flow.Secrets;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The runner's settings: the source database, the state store and the export directory.
 *
 * <p>Each setting {@code flowexport.a.b} is read, first match wins, from: a JVM system property of that name;
 * the environment variable {@code FLOWEXPORT_A_B}; the {@code --config} properties file; the default. Defaults
 * need nothing installed: an embedded H2 demo database and an H2 state store under {@code data/}, exports in the
 * working directory.
 *
 * <p>The value of a connection setting ({@code flowexport.source.url}, {@code .username}, {@code .password} and the
 * same of {@code flowexport.state}) may hold secret references, {@code ${env:NAME}} (an environment variable) or
 * {@code ${file:/absolute/path}} (a file's content, trailing newline trimmed), resolved here by {@link Secrets}; a
 * resolved value, and a password given in clear, is masked in every log line and run result
 * ({@link Secrets#redact}).
 *
 * @param sourceUrl      JDBC URL of the source database ({@code flowexport.source.url})
 * @param sourceUsername source user, may be empty ({@code flowexport.source.username})
 * @param sourcePassword source password, may be empty; never printed ({@code flowexport.source.password})
 * @param stateUrl       JDBC URL of the state store ({@code flowexport.state.url})
 * @param stateUsername  state store user ({@code flowexport.state.username})
 * @param statePassword  state store password; never printed ({@code flowexport.state.password})
 * @param exportDir      the directory every {@code file_path} is relative to ({@code flowexport.export.dir})
 * @param fetchSize      rows fetched per round trip from the source ({@code flowexport.source.fetch-size});
 *                       default 10000, and {@code Integer.MIN_VALUE} (stream row by row) for a {@code jdbc:mysql:}
 *                       URL (MySQL Connector/J in {@code lib/})
 * @param demo           create the demo datasets in the source (an H2 database) when they are missing
 *                       ({@code flowexport.demo}); default true only for the default source URL
 * @param copy           let CSV exports from PostgreSQL use {@code COPY ... TO STDOUT} when it gives the same
 *                       bytes as the CSV writer ({@code flowexport.source.copy}); default true. False turns
 *                       off both COPY paths (also {@code copyBinary}): every export reads a JDBC stream
 * @param copyBinary     let the other exports from PostgreSQL read their rows by
 *                       {@code COPY ... TO STDOUT (FORMAT binary)} when every column has a binary decoding
 *                       ({@code flowexport.source.copy-binary}); default true
 * @param workDir        where exports of flows with several destinations are staged, and files still owed to
 *                       a destination are kept ({@code flowexport.work.dir}); default {@code <export dir>/.flowexport}
 * @param live           settings of the long-running {@code run} command
 * @param reliability    run history retention and the retry policy for source failures
 * @param cluster        how runners sharing the state store coordinate
 * @param httpToken      the bearer token every HTTP API request but the health probes must carry
 *                       ({@code flowexport.http.token}, a value or a {@code ${env:}} / {@code ${file:}} reference);
 *                       {@link HttpToken#NONE} by default; masked like a password
 * @param logFormat      how log lines are written on stderr ({@code flowexport.log.format}): {@code text} (default)
 *                       or {@code json}
 */
public record Settings(String sourceUrl, String sourceUsername, String sourcePassword, String stateUrl,
                       String stateUsername, String statePassword, Path exportDir, int fetchSize, boolean demo,
                       boolean copy, boolean copyBinary, Path workDir, Live live, Reliability reliability,
                       Cluster cluster, HttpToken httpToken, LogFormat logFormat) {

    /**
     * How the runners that share one state store coordinate (see README, "Running several runners").
     *
     * @param runnerId  this runner's id in the run history and {@code status} ({@code flowexport.runner.id});
     *                  default {@code <host>:<pid>}
     * @param lease     how long a runner holds a flow's run slot without renewing it ({@code flowexport.cluster.lease});
     *                  default 15s: a runner that dies mid-run has its flow taken over after at most this plus
     *                  one heartbeat
     * @param heartbeat how often a runner renews its leases and its row, and looks for flows to take over
     *                  ({@code flowexport.cluster.heartbeat}); default 5s; less than half the lease
     */
    public record Cluster(String runnerId, Duration lease, Duration heartbeat) {
    }

    /**
     * How long runs are remembered, and how a run that loses its source connection is retried.
     *
     * @param historyRetention how long the run history keeps a run ({@code flowexport.history.retention});
     *                         default 30d; older runs are deleted as new ones are recorded
     * @param sourceAttempts   how many times a run tries to read the source when the connection fails
     *                         (dropped, terminated by an administrator, refused) ({@code flowexport.source.attempts});
     *                         default 3; 1 means no retry
     * @param sourceBackoff    the wait before the second attempt, doubled for each further one
     *                         ({@code flowexport.source.retry-backoff}); default 2s
     */
    public record Reliability(Duration historyRetention, int sourceAttempts, Duration sourceBackoff) {
    }

    /**
     * Settings of the long-running {@code run} command.
     *
     * @param httpHost      interface the HTTP API listens on ({@code flowexport.http.host}); default
     *                      {@code 127.0.0.1}, so only local processes can reach it
     * @param httpPort      its TCP port ({@code flowexport.http.port}); default 8765; 0 turns the API off
     * @param reloadQuiet   how long the flow and route directories must be quiet after a change before it is
     *                      applied ({@code flowexport.reload.quiet}); default 200ms; several write events of one
     *                      save make one reload
     * @param reloadRescan  how often the directories are compared with what is loaded even without a file
     *                      event ({@code flowexport.reload.rescan}); default 5s; catches changes on file systems
     *                      that send no events
     * @param shutdownGrace how long a stop (SIGTERM) lets runs in progress finish before it aborts them
     *                      ({@code flowexport.shutdown.grace}); default 30s
     * @param runThreads    how many runs started by triggers may run at once ({@code flowexport.run.threads});
     *                      default 4; the others wait for a thread
     * @param metricsRefresh how often the gauges read from the state store and the source (watermark lag,
     *                      pending deliveries) are refreshed ({@code flowexport.metrics.refresh}); default 30s
     */
    public record Live(String httpHost, int httpPort, Duration reloadQuiet, Duration reloadRescan,
                       Duration shutdownGrace, int runThreads, Duration metricsRefresh) {
    }

    /** The embedded demo database, created and filled on first start. */
    public static final String DEMO_SOURCE_URL = "jdbc:h2:file:./data/demo;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE";
    /** The embedded state store. */
    public static final String DEFAULT_STATE_URL = "jdbc:h2:file:./data/state;AUTO_SERVER=TRUE";

    /**
     * Loads the settings.
     *
     * @param configFile an application.properties file, or null
     * @param env        the environment (normally {@code System.getenv()})
     * @throws IllegalArgumentException when the config file cannot be read, a number is malformed, a value is not
     *                                  one of those allowed (the log format), or a secret reference cannot be
     *                                  resolved (the message names the setting and the variable or file, never a
     *                                  value)
     */
    public static Settings load(Path configFile, Map<String, String> env) {
        Properties file = new Properties();
        if (configFile != null) {
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + configFile + ": " + e.getMessage()
                        + "; pass an existing application.properties with --config", e);
            }
        }
        Lookup l = new Lookup(file, env, new Secrets(env::get));
        String sourceUrl = l.secret("flowexport.source.url", DEMO_SOURCE_URL, false);
        // MySQL Connector/J loads a whole result unless the fetch size is Integer.MIN_VALUE (row by row); the
        // other bundled drivers stream with a positive fetch size
        String fetch = l.get("flowexport.source.fetch-size",
                sourceUrl.startsWith("jdbc:mysql:") ? String.valueOf(Integer.MIN_VALUE) : "10000");
        int fetchSize;
        try {
            fetchSize = Integer.parseInt(fetch.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flowexport.source.fetch-size: '" + fetch + "' is not a whole number");
        }
        Path exportDir = Path.of(l.get("flowexport.export.dir", ".")).toAbsolutePath().normalize();
        Live live = new Live(l.get("flowexport.http.host", "127.0.0.1"),
                l.number("flowexport.http.port", "8765"),
                l.duration("flowexport.reload.quiet", "200ms"),
                l.duration("flowexport.reload.rescan", "5s"),
                l.duration("flowexport.shutdown.grace", "30s"),
                Math.max(1, l.number("flowexport.run.threads", "4")),
                l.duration("flowexport.metrics.refresh", "30s"));
        if (live.metricsRefresh().toMillis() < 1000) {
            throw new IllegalArgumentException("flowexport.metrics.refresh: " + live.metricsRefresh().toMillis()
                    + " ms is too short (each refresh queries the source once per flow); give at least 1s "
                    + "(default 30s)");
        }
        return new Settings(
                sourceUrl,
                l.secret("flowexport.source.username", "", false),
                l.secret("flowexport.source.password", "", true),
                l.secret("flowexport.state.url", DEFAULT_STATE_URL, false),
                l.secret("flowexport.state.username", "", false),
                l.secret("flowexport.state.password", "", true),
                exportDir,
                fetchSize,
                Boolean.parseBoolean(l.get("flowexport.demo", String.valueOf(sourceUrl.equals(DEMO_SOURCE_URL)))),
                Boolean.parseBoolean(l.get("flowexport.source.copy", "true")),
                Boolean.parseBoolean(l.get("flowexport.source.copy-binary", "true")),
                workDir(l, exportDir),
                live,
                new Reliability(l.duration("flowexport.history.retention", "30d"),
                        Math.max(1, l.number("flowexport.source.attempts", "3")),
                        l.duration("flowexport.source.retry-backoff", "2s")),
                cluster(l),
                HttpToken.of(l.secret("flowexport.http.token", "", true)),
                logFormat(l));
    }

    private static LogFormat logFormat(Lookup l) {
        String v = l.get("flowexport.log.format", LogFormat.TEXT.spelling());
        return LogFormat.parse(v).orElseThrow(() -> new IllegalArgumentException("flowexport.log.format: '" + v
                + "' is not a log format; known: " + LogFormat.known() + " (FLOWEXPORT_LOG_FORMAT, "
                + "-Dflowexport.log.format or the --config file)"));
    }

    private static Cluster cluster(Lookup l) {
        Duration lease = l.duration("flowexport.cluster.lease", "15s");
        Duration heartbeat = l.duration("flowexport.cluster.heartbeat", "5s");
        if (lease.toMillis() < 1000) {
            throw new IllegalArgumentException("flowexport.cluster.lease: " + lease.toMillis() + " ms is too short; "
                    + "give at least 1s (default 15s)");
        }
        if (heartbeat.isZero() || heartbeat.multipliedBy(2).compareTo(lease) >= 0) {
            throw new IllegalArgumentException("flowexport.cluster.heartbeat: " + heartbeat.toMillis() + " ms must be "
                    + "more than 0 and less than half of flowexport.cluster.lease (" + lease.toMillis() + " ms), so "
                    + "that a lease is renewed at least twice before it runs out");
        }
        String id = l.get("flowexport.runner.id", null);
        return new Cluster(id == null || id.isBlank() ? RunnerIds.defaultId() : id.trim(), lease,
                heartbeat);
    }

    private static Path workDir(Lookup l, Path exportDir) {
        String v = l.get("flowexport.work.dir", null);
        return (v == null ? exportDir.resolve(".flowexport") : Path.of(v)).toAbsolutePath().normalize();
    }

    /** A JDBC URL with any {@code password=...} parameter masked, safe for logs and errors. */
    public static String safeUrl(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1****");
    }

    /** Never prints the passwords. */
    @Override
    public String toString() {
        return "Settings[source=" + safeUrl(sourceUrl) + ", state=" + safeUrl(stateUrl) + ", exportDir=" + exportDir
                + ", fetchSize=" + fetchSize + "]";
    }

    private record Lookup(Properties file, Map<String, String> env, Secrets secrets) {

        /**
         * A setting whose value may hold {@code ${env:...}} / {@code ${file:...}} references; a password is
         * remembered for masking even when written in clear.
         */
        String secret(String key, String fallback, boolean password) {
            String v = get(key, fallback);
            if (Secrets.hasReference(v)) {
                try {
                    v = secrets.render(v);
                } catch (Secrets.SecretException e) {
                    throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
                }
            }
            if (password) {
                Secrets.rememberDerived(v);
            }
            return v;
        }

        String get(String key, String fallback) {
            String v = System.getProperty(key);
            if (v == null) {
                v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            if (v == null) {
                v = file.getProperty(key);
            }
            return v == null ? fallback : v;
        }

        int number(String key, String fallback) {
            String v = get(key, fallback).trim();
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
            }
        }

        Duration duration(String key, String fallback) {
            String v = get(key, fallback).trim();
            return io.flowexport.flow.Durations.parse(v).orElseThrow(() -> new IllegalArgumentException(key + ": '"
                    + v + "' is not a duration; write e.g. 200ms, 5s or 1m"));
        }
    }
}
