package io.flowexport.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's plan of an export query, from {@code EXPLAIN (FORMAT JSON)} (the plan only: the query is not run):
 * whether it sorts the rows, and its shape for {@code plan} and {@code validate}.
 *
 * @param shape      the plan from the top node down its main branch, e.g.
 *                   {@code Incremental Sort > Index Scan using orders_xt_batch_id_idx}
 * @param sorts      true when a node that the rows pass through (not an InitPlan or SubPlan) is a {@code Sort} or
 *                   an {@code Incremental Sort}
 * @param sortedRows the planner's row estimate of the largest sort node (rows); 0 when it does not sort
 */
public record PgPlan(String shape, boolean sorts, long sortedRows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Plans {@code query} on {@code c}, with its parameters written in as literals (as the COPY path does:
     * integers and the fixed record-type names only), so the plan is the one a run with these values gets.
     *
     * @throws SQLException when PostgreSQL refuses the EXPLAIN
     */
    public static PgPlan explain(Connection c, ExportQuery query) throws SQLException {
        String sql = "EXPLAIN (FORMAT JSON) " + CsvCopy.inline(query.sql(), query);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return of(rs.getString(1));
        }
    }

    /**
     * Reads the output of {@code EXPLAIN (FORMAT JSON)}: {@code [{"Plan": {...}}]}.
     *
     * @throws SQLException when the text is not such a plan (the message quotes its start)
     */
    static PgPlan of(String json) throws SQLException {
        JsonNode top;
        try {
            top = JSON.readTree(json).path(0).path("Plan");
        } catch (IOException e) {
            throw new SQLException("cannot read PostgreSQL's plan: " + e.getMessage(), e);
        }
        if (top.isMissingNode()) {
            throw new SQLException("not an EXPLAIN (FORMAT JSON) plan: "
                    + json.substring(0, Math.min(80, json.length())));
        }
        List<String> chain = new ArrayList<>();
        for (JsonNode n = top; n != null; n = mainChild(n)) {
            chain.add(describe(n));
        }
        long[] largest = {-1};
        visitSorts(top, largest);
        return new PgPlan(String.join(" > ", chain), largest[0] >= 0, Math.max(0, largest[0]));
    }

    /** The child a node reads its rows from (its outer child), not an InitPlan or SubPlan; null for a leaf. */
    private static JsonNode mainChild(JsonNode n) {
        for (JsonNode child : n.path("Plans")) {
            if (!subPlan(child)) {
                return child;
            }
        }
        return null;
    }

    private static boolean subPlan(JsonNode n) {
        String rel = n.path("Parent Relationship").asText("");
        return rel.equals("InitPlan") || rel.equals("SubPlan");
    }

    private static String describe(JsonNode n) {
        String type = n.path("Node Type").asText("?");
        if (n.has("Index Name")) {
            return type + " using " + n.get("Index Name").asText();
        }
        if (n.has("Relation Name")) {
            return type + " on " + n.get("Relation Name").asText();
        }
        return type;
    }

    private static void visitSorts(JsonNode n, long[] largest) {
        String type = n.path("Node Type").asText("");
        if (type.equals("Sort") || type.equals("Incremental Sort")) {
            largest[0] = Math.max(largest[0], n.path("Plan Rows").asLong(0));
        }
        for (JsonNode child : n.path("Plans")) {
            if (!subPlan(child)) { // an InitPlan's sort (e.g. for MAX(xt_batch_id)) does not order the rows
                visitSorts(child, largest);
            }
        }
    }
}
