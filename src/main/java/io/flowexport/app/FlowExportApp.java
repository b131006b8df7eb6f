package io.flowexport.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.config.Settings;
import io.flowexport.dataset.DatasetCatalog;
import io.flowexport.dataset.JdbcDatasetCatalog;
import io.flowexport.dataset.SourceDialect;
import io.flowexport.demo.DemoDatabase;
import io.flowexport.destination.FileDestination;
import io.flowexport.flow.Flow;
import io.flowexport.format.ExportFormats;
import io.flowexport.ops.RunHistory;
import io.flowexport.ops.RunMetrics;
import io.flowexport.query.QueryBuilder;
import io.flowexport.route.FlowRoutes;
import io.flowexport.run.ExportRunner;
import io.flowexport.cluster.Cluster;
import io.flowexport.cluster.JdbcRunSlots;
import io.flowexport.run.PostgresCopy;
import io.flowexport.run.RunResult;
import io.flowexport.run.RunSlots;
import io.flowexport.run.SourceProblem;
import io.flowexport.run.RunListeners;
import io.flowexport.run.RunListener;
import io.flowexport.run.FlowRun;
import io.flowexport.destination.Delivered;
import io.flowexport.run.SourceRetry;
import io.flowexport.component.FlowExportComponent;
import io.flowexport.state.JdbcStateStore;
import io.flowexport.state.NoStateStore;
import io.flowexport.state.StateStore;
import io.flowexport.validate.DestinationLoader;
import io.flowexport.validate.FlowLoader;
import io.flowexport.validate.FlowSet;
import io.flowexport.validate.ValidationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's parts, wired from {@link Settings}: the source and state databases (connection pools), the
 * dataset catalog, the state store, the export runner and, on demand, a Camel context with the flows' routes.
 *
 * <p>The source database is connected lazily: validation of flow files without database checks, and the
 * reporting of a source that is down, work without it; {@code run} starts and keeps running while it is down.
 */
public final class FlowExportApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FlowExportApp.class);

    private final Settings settings;
    private final HikariDataSource source;
    private final StateStore state;
    private final DatasetCatalog catalog;
    private final ExportRunner runner;
    private final Connectors connectors;
    private final RunHistory history;
    /** The runners sharing the state store, or null when it is not a database ({@link NoStateStore}). */
    private final Cluster cluster;
    private volatile QueryBuilder queries;
    private final SourceDialect dialect;
    /** The source URL connected to: the setting, with {@code IFEXISTS=TRUE} for the demo database when inspecting. */
    private final String sourceUrl;
    /** The demo database's file when a command that does not create it found it missing, else null. */
    private final Path missingDemo;
    /** The runner's own meters once {@code run} meters it ({@link #meter}); null in the one-shot commands. */
    private volatile RunMetrics metrics;
    /** The process's one Camel context: the one {@link #install} was given, or one made for {@code check}. */
    private CamelContext camel;
    private boolean ownsCamel;

    private FlowExportApp(Settings settings, HikariDataSource source, StateStore state, String sourceUrl,
                          Path missingDemo) {
        this.settings = settings;
        this.source = source;
        this.state = state;
        this.sourceUrl = sourceUrl;
        this.missingDemo = missingDemo;
        this.dialect = SourceDialect.of(settings.sourceUrl());
        this.catalog = new JdbcDatasetCatalog(source, Settings.safeUrl(settings.sourceUrl()), dialect);
        boolean postgres = settings.sourceUrl().startsWith("jdbc:postgresql:");
        // runs tell the metrics through this listener once run meters the app; run-once loads no meter class
        RunListeners listeners = RunListeners.discovered().and(new RunListener() {
            @Override
            public void deliveredTo(FlowRun run, Delivered outcome, boolean redelivery) {
                RunMetrics m = metrics;
                if (m != null) {
                    m.deliveredTo(run, outcome, redelivery);
                }
            }

            @Override
            public void sourceRetry(FlowRun run, int attempt) {
                RunMetrics m = metrics;
                if (m != null) {
                    m.sourceRetry(run, attempt);
                }
            }
        });
        FileDestination files = new FileDestination(settings.exportDir(), listeners::renamed);
        this.connectors = new Connectors(files, this::camel);
        this.history = new RunHistory(state, settings.exportDir(),
                settings.reliability().historyRetention());
        Settings.Reliability r = settings.reliability();
        Settings.Cluster cs = settings.cluster();
        RunSlots slots;
        if (state instanceof JdbcStateStore jdbc) {
            slots = new JdbcRunSlots(jdbc.dataSource(), cs.runnerId(), cs.lease());
            this.cluster = new Cluster(jdbc.dataSource(), cs.runnerId(),
                    FlowExportApp.class.getPackage().getImplementationVersion());
        } else {
            slots = RunSlots.local(cs.runnerId());
            this.cluster = null;
        }
        this.runner = new ExportRunner(catalog, this::queries, state, ExportFormats.standard(), files,
                new FileDestination(settings.workDir()), connectors.deliveries(), source, settings.fetchSize(),
                postgres && settings.copy() ? new PostgresCopy(source, settings.copyBinary()) : null,
                new SourceRetry.Policy(r.sourceAttempts(), r.sourceBackoff(), Settings.safeUrl(settings.sourceUrl())),
                listeners, slots);
    }

    /**
     * Opens the databases for a command that runs flows ({@code run}, {@code run-once}). With
     * {@code flowexport.demo} (the default source URL), creates and fills the embedded demo database first; an
     * embedded H2 state database is created when missing.
     *
     * @throws IllegalStateException when a database cannot be reached; the message names it (never the password)
     */
    public static FlowExportApp open(Settings settings) {
        return open(settings, true);
    }

    /**
     * Opens the databases for a command that only looks ({@code validate}, {@code check}, {@code plan}): it
     * creates no database in the working directory. The demo database of the default source URL
     * ({@link Settings#DEMO_SOURCE_URL}) is opened only if it exists ({@code IFEXISTS=TRUE}); when it does not,
     * {@link #probeSource} says so and which command creates it. (A source URL of one's own with
     * {@code flowexport.demo=true} gets the demo datasets as with {@link #open}.) An embedded H2 state database
     * that does not exist reads as empty ({@link NoStateStore}).
     *
     * @throws IllegalStateException when a database cannot be reached; the message names it (never the password)
     */
    public static FlowExportApp inspect(Settings settings) {
        return open(settings, false);
    }

    private static FlowExportApp open(Settings settings, boolean create) {
        boolean demoUrl = settings.sourceUrl().equals(Settings.DEMO_SOURCE_URL);
        String sourceUrl = create || !demoUrl ? settings.sourceUrl() : settings.sourceUrl() + ";IFEXISTS=TRUE";
        Path missingDemo = create || !demoUrl ? null
                : EmbeddedH2.file(settings.sourceUrl()).filter(f -> !Files.exists(f)).orElse(null);
        HikariDataSource source = null;
        LibDirectory.missingDriver(Settings.safeUrl(settings.sourceUrl()), System.getenv()).ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        try {
            removeStaleLock(settings.sourceUrl());
            source = sourcePool(settings, sourceUrl);
            // the default URL's demo database would land in whatever directory a command runs in: only commands
            // that run flows create it; a URL of one's own with flowexport.demo=true names its place on purpose
            if (settings.demo() && (create || !demoUrl)) {
                DemoDatabase.ensure(source);
            }
            StateStore state = create ? openState(settings) : openStateToRead(settings);
            return new FlowExportApp(settings, source, state, sourceUrl, missingDemo);
        } catch (RuntimeException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        }
    }

    /**
     * Opens the state store alone (no source database), for a command that changes state ({@code state reset});
     * creates an embedded state database when missing. Close it when done.
     *
     * @throws io.flowexport.state.StateStoreException when the store cannot be reached; the message names it
     */
    public static StateStore openState(Settings settings) {
        removeStaleLock(settings.stateUrl());
        HikariDataSource statePool = pool("flowexport-state", durableStateUrl(settings.stateUrl()),
                settings.stateUsername(), settings.statePassword(), true);
        try {
            return new JdbcStateStore(statePool, Settings.safeUrl(settings.stateUrl()), statePool);
        } catch (RuntimeException e) {
            statePool.close();
            throw e;
        }
    }

    /**
     * Opens the state store alone for a command that only reads state ({@code history}, {@code state show}): an
     * embedded H2 state database whose file does not exist is not created; the store then reads as empty.
     * Close it when done.
     *
     * @return the store; a {@link NoStateStore} naming the missing file when there is no state database yet
     * @throws io.flowexport.state.StateStoreException when the store cannot be reached; the message names it
     */
    public static StateStore openStateToRead(Settings settings) {
        Optional<Path> file = EmbeddedH2.file(settings.stateUrl());
        if (file.isPresent() && !Files.exists(file.get())) {
            return new NoStateStore(file.get());
        }
        return openState(settings);
    }

    /**
     * Loads the flow files without any database check (for {@code state}: which destinations a flow has).
     *
     * @return the flow files and the destination catalogue, validated offline
     */
    public static FlowSet loadFlowsOffline(Settings settings, Path flowsDir, Path destinationsDir) {
        DestinationLoader.Loaded catalogue = DestinationLoader.loadDirectory(destinationsDir);
        return FlowLoader.loadDirectory(flowsDir, new ValidationContext(null, settings.exportDir(),
                catalogue.catalogue())).withDestinations(catalogue.files());
    }

    /** Deletes the lock file an embedded H2 database's killed user left, so that opening it does not wait. */
    private static void removeStaleLock(String url) {
        EmbeddedH2.removeStaleLock(url).ifPresent(lock -> LOG.info("removed {}, left by a process that ended without"
                + " closing the database (no process has it open)", lock));
    }

    /**
     * The state store's URL with commits made durable for an embedded H2 database: H2 keeps committed
     * transactions in memory for up to {@code WRITE_DELAY} (500 ms by default), so a process killed just after a
     * watermark moved would come back with the old one and publish those batches again under a new name
     * ({@code CrashHarnessIT}). {@code WRITE_DELAY=0} writes each commit to the file before the commit returns. A
     * {@code WRITE_DELAY} already in the URL, and H2 servers ({@code tcp:}, {@code ssl:}) and in-memory databases,
     * are left as they are.
     */
    static String durableStateUrl(String url) {
        String u = url.toUpperCase(java.util.Locale.ROOT);
        boolean embeddedH2 = u.startsWith("JDBC:H2:") && !u.startsWith("JDBC:H2:TCP:")
                && !u.startsWith("JDBC:H2:SSL:") && !u.startsWith("JDBC:H2:MEM:");
        return embeddedH2 && !u.contains(";WRITE_DELAY=") ? url + ";WRITE_DELAY=0" : url;
    }

    /**
     * The source database's pool (connected lazily): connections in a transaction (drivers stream with a cursor
     * only then), read-only where the driver allows it, with the dialect's driver properties and session setup.
     *
     * @param url the URL to connect to: the setting's, or the demo database's with {@code IFEXISTS=TRUE}
     * @throws IllegalStateException when no JDBC driver accepts the URL; the message says what to do
     */
    private static HikariDataSource sourcePool(Settings settings, String url) {
        SourceDialect dialect = SourceDialect.of(url);
        try {
            HikariConfig c = config("flowexport-source", url, settings.sourceUsername(), settings.sourcePassword(),
                    false);
            c.setReadOnly(dialect.setsReadOnlyOnConnection());
            dialect.connectionProperties().forEach(c::addDataSourceProperty);
            if (dialect.connectionInitSql() != null) {
                c.setConnectionInitSql(dialect.connectionInitSql());
            }
            return new HikariDataSource(c);
        } catch (RuntimeException e) { // HikariCP: "Failed to get driver instance for jdbcUrl=..."
            throw new IllegalStateException(SourceProblem.of(e, Settings.safeUrl(settings.sourceUrl())).message(), e);
        }
    }

    private static HikariDataSource pool(String name, String url, String user, String password, boolean autoCommit) {
        return new HikariDataSource(config(name, url, user, password, autoCommit));
    }

    private static HikariConfig config(String name, String url, String user, String password, boolean autoCommit) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        if (!user.isEmpty()) {
            c.setUsername(user);
        }
        if (!password.isEmpty()) {
            c.setPassword(password);
        }
        // Source connections stay in a transaction so that drivers stream with a cursor (pgjdbc honours the
        // fetch size only then); they only read.
        c.setAutoCommit(autoCommit);
        c.setReadOnly(!autoCommit);
        c.setMaximumPoolSize(autoCommit ? 2 : 4);
        c.setMinimumIdle(0);
        c.setInitializationFailTimeout(-1);
        c.setConnectionTimeout(10_000);
        return c;
    }

    /** The query generator, made on first use with the source database's identifier quote. */
    private QueryBuilder queries() {
        QueryBuilder q = queries;
        if (q == null) {
            q = dialect == SourceDialect.GENERIC ? new QueryBuilder(dialect, identifierQuote(source))
                    : new QueryBuilder(dialect);
            queries = q;
        }
        return q;
    }

    private static String identifierQuote(HikariDataSource source) {
        try (Connection c = source.getConnection()) {
            return c.getMetaData().getIdentifierQuoteString();
        } catch (SQLException e) {
            throw new IllegalStateException(SourceProblem.of(e, Settings.safeUrl(source.getJdbcUrl())).message(), e);
        }
    }

    /** The settings in force. */
    public Settings settings() {
        return settings;
    }

    /**
     * The source database's connection pool: read-only connections with autoCommit off, shared by the exports and
     * the operator routes ({@code #source}). The app closes it.
     */
    public javax.sql.DataSource source() {
        return source;
    }

    /** The source database's datasets. */
    public DatasetCatalog catalog() {
        return catalog;
    }

    /** The state store. */
    public StateStore state() {
        return state;
    }

    /** Records finished runs in the state store's run history (with the configured retention). */
    public RunHistory history() {
        return history;
    }

    /** The runners sharing the state store, or empty when there is no state database (read-only commands). */
    public Optional<Cluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    /**
     * Feeds every run from now on to {@code metrics} (results, deliveries, source retries). {@code run} calls it
     * with the meters {@code GET /metrics} serves; the one-shot commands meter nothing.
     */
    public void meter(RunMetrics metrics) {
        this.metrics = metrics;
    }

    /** The export runner. */
    public ExportRunner runner() {
        return runner;
    }

    /**
     * Loads and validates every flow file of {@code flowsDir} against the source database. When the source
     * cannot be used ({@link #probeSource}), every export flow gets an error that refers to the problem in short
     * instead of a timeout each; this method does not print the problem itself (the commands do, once, before the
     * flows' problems).
     */
    public FlowSet loadFlows(Path flowsDir, Path destinationsDir) {
        return loadFlows(flowsDir, destinationsDir, probeSource().orElse(null), false);
    }

    /**
     * Loads and validates every flow file of {@code flowsDir}.
     *
     * @param down     why the source database cannot be used (see {@link #probeSource}), or null when it answers:
     *                 then the datasets and columns are checked against it
     * @param postpone what an unusable source means: true postpones the database checks (each export flow gets a
     *                 warning and loads, for {@code run} and {@code check}); false makes it an error on each flow
     *                 (for {@code validate}, {@code run-once}, {@code plan}). Either refers to
     *                 {@link SourceProblem#brief}; the caller says {@link SourceProblem#message} once
     */
    public FlowSet loadFlows(Path flowsDir, Path destinationsDir, SourceProblem down, boolean postpone) {
        DestinationLoader.Loaded catalogue = DestinationLoader.loadDirectory(destinationsDir);
        return FlowLoader.loadDirectory(flowsDir, new ValidationContext(down == null ? catalog : null,
                settings.exportDir(), catalogue.catalogue(), down == null ? null : down.brief(), postpone))
                .withDestinations(catalogue.files());
    }

    /**
     * Opens one connection to the source database, outside the pool so that a database that is down answers at
     * once (the pool would wait for its connection timeout), and closes it.
     *
     * @return empty when the database answers; else why not, classified ({@link SourceProblem}: login refused,
     *         unreachable, no such database, no driver, other), naming it by its URL without password; for a
     *         command that does not create the demo database ({@link #inspect}) and finds it missing, which
     *         command creates it ({@link SourceProblem#demoMissing}), without connecting
     */
    public Optional<SourceProblem> probeSource() {
        Properties props = new Properties();
        if (!settings.sourceUsername().isEmpty()) {
            props.setProperty("user", settings.sourceUsername());
        }
        if (!settings.sourcePassword().isEmpty()) {
            props.setProperty("password", settings.sourcePassword());
        }
        if (missingDemo != null && !Files.exists(missingDemo)) {
            return Optional.of(SourceProblem.demoMissing(missingDemo));
        }
        try (Connection c = DriverManager.getConnection(sourceUrl, props)) {
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            return Optional.of(SourceProblem.of(e, Settings.safeUrl(settings.sourceUrl())));
        }
    }

    /**
     * Checks that the state store answers: a connection from its pool, validated by the driver in at most 2 s.
     *
     * @return empty when it answers; else why not, naming the store by its URL without password
     */
    public Optional<String> probeState() {
        if (!(state instanceof JdbcStateStore jdbc)) {
            return Optional.empty();
        }
        try (Connection c = jdbc.dataSource().getConnection()) {
            return c.isValid(2) ? Optional.empty()
                    : Optional.of("the state store " + Settings.safeUrl(settings.stateUrl()) + " does not answer");
        } catch (SQLException | RuntimeException e) {
            return Optional.of("the state store " + Settings.safeUrl(settings.stateUrl()) + " cannot be reached: "
                    + e.getMessage());
        }
    }

    /**
     * Deletes the temporary files that crashed runs of these flows left behind; not those of a flow that a runner
     * (this one or another sharing the state store and the export directory) is running now.
     *
     * @return how many files were deleted
     */
    public int removeLeftovers(List<Flow> flows) {
        int removed = 0;
        for (Flow flow : flows) {
            if (!flow.isExport() || runner.isRunning(flow.id())
                    || cluster != null && cluster.holder(flow.id()).isPresent()) {
                continue;
            }
            try {
                for (Path p : runner.removeLeftovers(flow)) {
                    LOG.info("flow '{}': removed {} left by an interrupted run", flow.id(), p);
                    removed++;
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("flow '{}': cannot remove temporary files of interrupted runs: {}", flow.id(), e.getMessage());
            }
        }
        return removed;
    }

    /**
     * Installs the runner in {@code context}, the process's one Camel context (camel-main's for {@code run}, a
     * plain one for {@code run-once}): the {@code flowexport} component whose producers are the stages of a run,
     * and the routes builder of the flows. Every finished, failed or skipped run is recorded in the run history,
     * then given to {@code onResult}. The one composition root of {@code run} and {@code run-once}.
     *
     * @param versions the version in force of a flow, by id, or null when it is not loaded
     * @param onResult told of every run after it is recorded (log line, console, status, events)
     * @return builds the flows' run and trigger routes for {@code context}
     */
    public FlowRoutes install(CamelContext context, Function<String, Flow> versions, Consumer<RunResult> onResult) {
        synchronized (this) {
            if (camel != null && camel != context) {
                throw new IllegalStateException("the runner is installed in Camel context '" + camel.getName()
                        + "' already: one Camel context per process");
            }
            camel = context;
        }
        context.addComponent(FlowExportComponent.SCHEME, new FlowExportComponent(runner, versions, history,
                r -> {
                    RunMetrics m = metrics;
                    if (m != null) {
                        m.accept(r);
                    }
                    onResult.accept(r);
                }));
        try {
            // the leases of runs in progress are renewed while they run, by run and run-once alike
            context.addRoutes(FlowRoutes.leaseRenewal(settings.cluster().heartbeat(), runner::renewLeases));
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the lease renewal route: " + e.getMessage(), e);
        }
        return cluster == null ? new FlowRoutes() : new FlowRoutes(cluster::lastFiring);
    }

    /**
     * Starts a Camel context with the run routes of {@code flows} and no triggers (run-once), without JMX.
     *
     * @throws Exception when Camel cannot start
     */
    public CamelContext startCamel(List<Flow> flows, Consumer<RunResult> onResult) throws Exception {
        Map<String, Flow> byId = new HashMap<>();
        List<Flow> exports = flows.stream().filter(Flow::isExport).toList();
        exports.forEach(f -> byId.put(f.id(), f));
        CamelContext ctx = new DefaultCamelContext();
        ctx.getCamelContextExtension().setName("flow-export");
        // a one-shot process has nobody to read its MBeans, and registering them costs about 0.45 s of start
        // (measured with bench/run.sh's startup flow); run keeps JMX
        ctx.disableJMX();
        ctx.addRoutes(install(ctx, byId::get, onResult).runRoutes(exports));
        ctx.start();
        return ctx;
    }

    /**
     * The process's one Camel context, which the connectors' Camel components run on: the context given to
     * {@link #install}, or, for commands that run no route ({@code check}), one started on first use and stopped
     * by {@link #close}.
     */
    synchronized CamelContext camel() {
        if (camel == null) {
            CamelContext ctx = new DefaultCamelContext();
            ctx.getCamelContextExtension().setName("flow-export");
            ctx.start();
            camel = ctx;
            ownsCamel = true;
        }
        return camel;
    }

    /** The destination connectors. */
    public Connectors connectors() {
        return connectors;
    }

    @Override
    public void close() {
        try {
            connectors.close();
            synchronized (this) {
                if (ownsCamel) {
                    camel.stop();
                }
            }
            state.close();
        } finally {
            source.close();
        }
    }
}
