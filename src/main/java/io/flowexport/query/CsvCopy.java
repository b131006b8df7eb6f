package io.flowexport.query;

import io.flowexport.dataset.Column;
import io.flowexport.flow.FormatOptions;
import io.flowexport.flow.TextEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a CSV export from PostgreSQL can be produced by {@code COPY (query) TO STDOUT} with exactly the
 * bytes the generic CSV writer would write, and builds that COPY statement.
 *
 * <p>Each output column is selected through an expression whose PostgreSQL text output equals the writer's
 * rendering ({@link io.flowexport.format.ValueText}, floats as {@link io.flowexport.format.csv.PgFloatText}):
 * timestamps with a {@code T} and without zone, {@code timestamptz} at UTC with {@code Z}, booleans as
 * {@code true}/{@code false}, {@code bytea} as Base64 on one line. The quoting of {@code COPY ... (FORMAT csv)}
 * is the writer's (see {@link io.flowexport.format.csv.CsvText}). The header line is written by the caller.
 *
 * <p>COPY takes no bind parameters, so the query's parameters are written into the statement as literals: they
 * are only integers (batch ids, the watermark) and the fixed record-type names, never configured text.
 */
public final class CsvCopy {

    /** PostgreSQL text types whose COPY output is exactly the string JDBC returns. */
    private static final Set<String> PLAIN_TEXT_TYPES = Set.of("text", "varchar", "character varying", "bpchar",
            "character", "char", "name", "citext", "uuid");

    /** PostgreSQL number, date and time types whose COPY output is exactly the writer's rendering. */
    private static final Set<String> PLAIN_TYPES = Set.of("int2", "int4", "int8", "smallint", "integer", "bigint",
            "serial", "smallserial", "bigserial", "numeric", "decimal", "float4", "real", "float8",
            "double precision", "date", "time", "time without time zone");

    private CsvCopy() {
    }

    /**
     * The decision for one export: the COPY statement, or why the generic path is taken.
     *
     * @param copySql the {@code COPY (...) TO STDOUT WITH (...)} statement, or null
     * @param reason  why the export takes the path it takes (for {@code plan})
     */
    public record Decision(String copySql, String reason) {
        /** True when the export can use COPY. */
        public boolean useCopy() {
            return copySql != null;
        }

        /** Why the export cannot use COPY (the reason without the path's name), or null when it can. */
        public String why() {
            return copySql != null ? null : reason.substring(GENERIC.length());
        }
    }

    /**
     * Plans a CSV export through COPY.
     *
     * @param query    the export's query (PostgreSQL dialect)
     * @param options  the CSV options
     * @param quote    the query builder, for identifier quoting
     * @return the decision; COPY only for UTF-8 encodings, a one-byte ASCII delimiter COPY accepts, and column
     *         types whose text output matches the writer
     */
    public static Decision plan(ExportQuery query, FormatOptions.Csv options, QueryBuilder quote) {
        TextEncoding enc = options.encoding();
        if (enc != TextEncoding.UTF_8 && enc != TextEncoding.UTF_8_SIG) {
            return generic("encoding '" + enc.toml() + "' (COPY path is for utf-8 and utf-8-sig)");
        }
        char d = options.delimiter();
        if (d >= 0x80 || d == '"' || d == '\n' || d == '\r' || d == '\\' || d == '.' || Character.isLetterOrDigit(d)) {
            return generic("delimiter '" + d + "' is not one COPY accepts");
        }
        List<String> expressions = new ArrayList<>();
        for (Column c : query.outputColumns()) {
            Optional<String> e = expression(c, quote.quote(c.name()));
            if (e.isEmpty()) {
                return generic("column '" + c.name() + "' of type " + c.sqlType() + " has no exact COPY rendering");
            }
            expressions.add(e.get());
        }
        String select = "SELECT " + String.join(", ", expressions) + inline(query.from(), query) + query.orderBy();
        String delimiter = d == '\'' ? "''''" : "'" + d + "'";
        return new Decision("COPY (" + select + ") TO STDOUT WITH (FORMAT csv, DELIMITER " + delimiter
                + ", ENCODING 'UTF8')", "PostgreSQL COPY ... TO STDOUT (FORMAT csv)");
    }

    /** How the reason of a decision against COPY starts; the rest says why. */
    private static final String GENERIC = "generic (JDBC stream + CSV writer): ";

    private static Decision generic(String why) {
        return new Decision(null, GENERIC + why);
    }

    /** The SELECT expression of a column whose text output equals the writer's, or empty. */
    static Optional<String> expression(Column c, String q) {
        String type = c.sqlType().toLowerCase(Locale.ROOT);
        return switch (c.kind()) {
            case INT32, INT64, DECIMAL, FLOAT32, FLOAT64, DATE, TIME ->
                    PLAIN_TYPES.contains(type) ? Optional.of(q) : Optional.empty();
            // CASE costs PostgreSQL less than boolean::text (measured: as cheap as the bare column)
            case BOOLEAN -> type.equals("bool") || type.equals("boolean")
                    ? Optional.of("CASE WHEN " + q + " THEN 'true' WHEN NOT " + q + " THEN 'false' END")
                    : Optional.empty();
            case TIMESTAMP -> type.equals("timestamp") ? Optional.of("replace(" + q + "::text, ' ', 'T')")
                    : Optional.empty();
            case TIMESTAMP_TZ -> Optional.of("replace((" + q + " AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'");
            case BINARY -> type.equals("bytea")
                    ? Optional.of("translate(encode(" + q + ", 'base64'), E'\\n', '')") : Optional.empty();
            case STRING -> PLAIN_TEXT_TYPES.contains(type) ? Optional.of(q) : Optional.empty();
        };
    }

    /** Replaces each {@code :?name} of {@code sql} with its parameter as an SQL literal. */
    static String inline(String sql, ExportQuery query) {
        String out = sql;
        for (ExportQuery.Parameter p : query.parameters()) {
            Object v = p.value();
            String literal = v instanceof Number n ? Long.toString(n.longValue())
                    : "'" + String.valueOf(v).replace("'", "''") + "'";
            out = out.replace(":?" + p.name(), literal);
        }
        return out;
    }
}
