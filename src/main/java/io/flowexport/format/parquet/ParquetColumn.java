package io.flowexport.format.parquet;

import io.flowexport.dataset.Column;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * One source column as a top-level Parquet column: its type (named exactly like the source column, REQUIRED when
 * the column is not nullable, else OPTIONAL) and the writer of its values. See {@link ParquetFormat} for the mapping.
 *
 * @param type   the Parquet column
 * @param writer adds a non-null value of the column's canonical Java type
 */
record ParquetColumn(PrimitiveType type, ValueWriter writer) {

    /** The Parquet column and writer for {@code column}. */
    static ParquetColumn of(Column column) {
        Repetition repetition = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
        return switch (column.kind()) {
            case INT32 -> make(column, PrimitiveTypeName.INT32, repetition, null, new ValueWriter.Int32());
            case INT64 -> make(column, PrimitiveTypeName.INT64, repetition, null, new ValueWriter.Int64());
            case FLOAT32 -> make(column, PrimitiveTypeName.FLOAT, repetition, null, new ValueWriter.Float32());
            case FLOAT64 -> make(column, PrimitiveTypeName.DOUBLE, repetition, null, new ValueWriter.Float64());
            case BOOLEAN -> make(column, PrimitiveTypeName.BOOLEAN, repetition, null, new ValueWriter.Bool());
            case STRING -> make(column, PrimitiveTypeName.BINARY, repetition, LogicalTypeAnnotation.stringType(),
                    new ValueWriter.Text());
            case BINARY -> make(column, PrimitiveTypeName.BINARY, repetition, null, new ValueWriter.Bytes());
            case DATE -> make(column, PrimitiveTypeName.INT32, repetition, LogicalTypeAnnotation.dateType(),
                    new ValueWriter.Date());
            case TIME -> make(column, PrimitiveTypeName.INT64, repetition,
                    LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS), new ValueWriter.Time());
            case TIMESTAMP -> make(column, PrimitiveTypeName.INT64, repetition,
                    LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS), new ValueWriter.Timestamp());
            case TIMESTAMP_TZ -> make(column, PrimitiveTypeName.INT64, repetition,
                    LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS), new ValueWriter.TimestampTz());
            case DECIMAL -> column.hasBoundedPrecision() ? decimal(column, repetition)
                    : make(column, PrimitiveTypeName.BINARY, repetition, LogicalTypeAnnotation.stringType(),
                            new DecimalWriters.PlainText());
        };
    }

    private static ParquetColumn decimal(Column column, Repetition repetition) {
        int precision = column.precision();
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(column.scale(), precision);
        ValueWriter writer = DecimalWriters.bounded(precision, column.scale());
        if (precision <= DecimalWriters.MAX_INT32_PRECISION) {
            return make(column, PrimitiveTypeName.INT32, repetition, decimal, writer);
        }
        if (precision <= DecimalWriters.MAX_INT64_PRECISION) {
            return make(column, PrimitiveTypeName.INT64, repetition, decimal, writer);
        }
        PrimitiveType type = Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                .length(DecimalWriters.fixedSize(precision))
                .as(decimal)
                .named(column.name());
        return new ParquetColumn(type, writer);
    }

    private static ParquetColumn make(Column column, PrimitiveTypeName physical, Repetition repetition,
            LogicalTypeAnnotation logical, ValueWriter writer) {
        return new ParquetColumn(Types.primitive(physical, repetition).as(logical).named(column.name()), writer);
    }
}
