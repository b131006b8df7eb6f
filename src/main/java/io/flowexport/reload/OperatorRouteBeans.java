package io.flowexport.reload;

import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/**
 * The beans the runner puts in the Camel registry for operator routes ({@code routes/*.yaml}).
 *
 * <p>{@value #SOURCE}: the source database's connection pool, the one exports read from, so that a route can query
 * it with {@code to: jdbc:source} (camel-jdbc) or {@code sql:SELECT ...?dataSource=#source} (camel-sql; as the only
 * {@link DataSource} in the registry it is also autowired into {@code sql:} endpoints that name none). Its
 * connections come with autoCommit off and {@code setReadOnly(true)}: PostgreSQL then runs every statement in a
 * READ ONLY transaction and refuses writes; H2 and some other drivers take read-only as a hint only, so a route
 * must not write there either. The pool is shared with the exports (at most 4 connections): a route holds one
 * only while its statement runs, or, with camel-jdbc's {@code outputType=StreamList}, until its exchange ends.
 *
 * <p>camel-jdbc with such connections: the default {@code resetAutoCommit=true} commits right after executing,
 * which ends the read-only transaction and is harmless for {@code SelectList} / {@code SelectOne}; with
 * {@code outputType=StreamList} it closes the cursor before the first fetch beyond {@code statement.fetchSize}
 * rows, so streaming needs {@code resetAutoCommit=false}. Connections go back to the pool rolled back.
 */
public final class OperatorRouteBeans {

    /** The registry name of the source database's pool: {@code #source} in endpoint URIs. */
    public static final String SOURCE = "source";

    private OperatorRouteBeans() {
    }

    /**
     * Binds the beans; call before the operator routes are loaded (their endpoints look {@code #source} up when
     * they are created). The registry does not close what it holds: the pool stays the caller's to close, after
     * the context has stopped.
     *
     * @param context the runner's Camel context, started or not
     * @param source  the source database's pool, whose connections are read-only with autoCommit off
     */
    public static void bind(CamelContext context, DataSource source) {
        context.getRegistry().bind(SOURCE, DataSource.class, source);
    }
}
