package io.flowexport.query;

import io.flowexport.dataset.Column;
import io.flowexport.dataset.PgBinaryRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether an export from PostgreSQL that does not take the CSV COPY path ({@link CsvCopy}) can read its rows
 * by {@code COPY (query) TO STDOUT (FORMAT binary)} ({@link PgBinaryRows}) instead of a JDBC cursor, and builds that
 * statement. The rows, their order and every value are the JDBC stream's; only the way they travel differs.
 *
 * <p>As for {@link CsvCopy}, COPY takes no bind parameters: the query's parameters (integers and the fixed
 * record-type names, never configured text) are written into the statement as literals.
 */
public final class BinaryCopy {

    private BinaryCopy() {
    }

    /**
     * The decision for one export.
     *
     * @param copySql the {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} statement, or null for the JDBC stream
     * @param wires   how each selected column arrives (the output columns, then a tracking-only batch column); empty
     *                when {@code copySql} is null
     * @param reason  why the export reads its rows the way it does (for {@code plan}), e.g.
     *                {@code column 'span' of type interval has no binary COPY decoding}
     */
    public record Decision(String copySql, List<PgBinaryRows.Wire> wires, String reason) {
        public Decision {
            wires = List.copyOf(wires);
        }

        /** True when the export reads its rows by binary COPY. */
        public boolean useCopy() {
            return copySql != null;
        }
    }

    /**
     * Plans the binary COPY read of an export.
     *
     * @param query the export's query (PostgreSQL dialect)
     * @param quote the query builder, for identifier quoting
     * @return the statement and the wire form of each selected column, or why the JDBC stream is taken
     */
    public static Decision plan(ExportQuery query, QueryBuilder quote) {
        List<String> select = new ArrayList<>();
        List<PgBinaryRows.Wire> wires = new ArrayList<>();
        for (Column c : query.outputColumns()) {
            Optional<PgBinaryRows.Wire> w = PgBinaryRows.wire(c);
            if (w.isEmpty()) {
                return new Decision(null, List.of(), "column '" + c.name() + "' of type " + c.sqlType()
                        + " has no binary COPY decoding");
            }
            select.add(quote.quote(c.name()));
            wires.add(w.get());
        }
        if (query.batchIndex() >= query.outputColumns().size()) {
            // selected only to track the batch range; read as a bigint whatever integer type it has
            select.add("CAST(" + query.batchColumn() + " AS bigint)");
            wires.add(PgBinaryRows.Wire.INTEGER);
        }
        String sql = "COPY (SELECT " + String.join(", ", select) + CsvCopy.inline(query.from(), query)
                + query.orderBy() + ") TO STDOUT (FORMAT binary)";
        return new Decision(sql, wires, "every column has a binary COPY decoding");
    }
}
