package io.flowexport.format.parquet;

import io.flowexport.dataset.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes one {@code Object[]} row (canonical Java values, null allowed, one per column in column order) as one
 * Parquet record of top-level primitive columns. The per-column {@link ValueWriter}s are chosen once, when this is
 * built; a NULL is written by leaving its field out.
 *
 * <p>{@link #write} throws {@link InvalidValueException} naming the column and the 1-based row when a value does not
 * fit its column; the record is then left half-written and the file must be discarded.
 */
final class RowWriteSupport extends WriteSupport<Object[]> {

    /** Name of the Parquet message (the schema's root), which readers do not show. */
    static final String MESSAGE_NAME = "row";

    private final MessageType schema;
    private final ValueWriter[] writers;
    private final String[] names;
    private final boolean[] required;
    private RecordConsumer consumer;
    private long row;

    RowWriteSupport(List<Column> columns) {
        int n = columns.size();
        List<Type> types = new ArrayList<>(n);
        writers = new ValueWriter[n];
        names = new String[n];
        required = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column column = columns.get(i);
            ParquetColumn parquet = ParquetColumn.of(column);
            types.add(parquet.type());
            writers[i] = parquet.writer();
            names[i] = column.name();
            required[i] = !column.nullable();
        }
        schema = new MessageType(MESSAGE_NAME, types);
    }

    /** The Parquet schema of the file. */
    MessageType schema() {
        return schema;
    }

    /** @deprecated abstract in parquet-hadoop, which deprecates it; same context as the non-Hadoop variant. */
    @Deprecated
    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Object[] values) {
        row++;
        RecordConsumer c = consumer;
        c.startMessage();
        for (int i = 0; i < writers.length; i++) {
            Object v = values[i];
            if (v == null) {
                if (required[i]) {
                    throw new InvalidValueException(String.format(
                            "column '%s' in row %d is NULL but the column is declared NOT NULL", names[i], row), null);
                }
                continue;
            }
            c.startField(names[i], i);
            try {
                writers[i].write(c, v);
            } catch (IllegalArgumentException | ArithmeticException | ClassCastException e) {
                throw new InvalidValueException(
                        String.format("column '%s' in row %d: %s", names[i], row, e.getMessage()), e);
            }
            c.endField(names[i], i);
        }
        c.endMessage();
    }
}
