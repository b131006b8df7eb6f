package io.flowexport.dataset;

import io.flowexport.flow.DatasetKind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A source dataset (a table or view) as the database describes it.
 *
 * @param id           the id flows use, e.g. {@code change_feed_orders}
 * @param schema       the schema that holds it, as the database spells it; may be null
 * @param table        the table or view name, as the database spells it
 * @param columns      the columns in table order
 * @param primaryKey   primary-key column names in key order; empty when the dataset has none
 * @param detectedKind the kind detected from columns and naming (see {@link #detectKind})
 */
public record Dataset(String id, String schema, String table, List<Column> columns, List<String> primaryKey,
                      DatasetKind detectedKind) {

    /** Column holding the record type of a change feed (new, changed, deleted, unchanged). */
    public static final String RECORD_TYPE = "xt_record_type";
    /** Column holding the batch a row arrived in; an integer that grows with every batch. */
    public static final String BATCH_ID = "xt_batch_id";

    public Dataset {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** The column named {@code name}, compared ignoring case. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }

    /** True when the dataset has an {@code xt_batch_id} column. */
    public boolean hasBatchId() {
        return column(BATCH_ID).isPresent();
    }

    /** True when the dataset has an {@code xt_record_type} column. */
    public boolean hasRecordType() {
        return column(RECORD_TYPE).isPresent();
    }

    /**
     * Detects a dataset's kind: a change feed has {@code xt_record_type} and {@code xt_batch_id}; otherwise a
     * name containing {@code delta_transaction} is a delta transaction dataset; everything else is other.
     */
    public static DatasetKind detectKind(String tableName, List<Column> columns) {
        boolean recordType = columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(RECORD_TYPE));
        boolean batch = columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(BATCH_ID));
        if (recordType && batch) {
            return DatasetKind.CHANGE_FEED;
        }
        if (tableName.toLowerCase(Locale.ROOT).contains("delta_transaction")) {
            return DatasetKind.DELTA_TRANSACTION;
        }
        return DatasetKind.OTHER;
    }
}
