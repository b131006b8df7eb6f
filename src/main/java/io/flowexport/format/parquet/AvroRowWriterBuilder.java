package io.flowexport.format.parquet;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * {@code AvroParquetWriter.Builder} with one difference: a TIME column is written as
 * TIME(MICROS, isAdjustedToUTC=false). parquet-avro 1.16 maps every Avro time-micros to isAdjustedToUTC=true,
 * which readers such as DuckDB take for TIME WITH TIME ZONE, while our TIME values are wall-clock times of day.
 * The record values and the Avro schema stored in the footer are the same as parquet-avro's own.
 */
final class AvroRowWriterBuilder extends ParquetWriter.Builder<GenericRecord, AvroRowWriterBuilder> {

    private final Schema avroSchema;

    AvroRowWriterBuilder(OutputFile file, Schema avroSchema) {
        super(file);
        this.avroSchema = avroSchema;
    }

    @Override
    protected AvroRowWriterBuilder self() {
        return this;
    }

    /** @deprecated abstract in parquet-hadoop, which deprecates it; the ParquetConfiguration variant is used. */
    @Deprecated
    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(Configuration conf) {
        return getWriteSupport(new HadoopParquetConfiguration(conf));
    }

    @Override
    protected WriteSupport<GenericRecord> getWriteSupport(ParquetConfiguration conf) {
        MessageType parquetSchema = localTimes(new AvroSchemaConverter(conf).convert(avroSchema));
        return new AvroWriteSupport<>(parquetSchema, avroSchema, GenericData.get());
    }

    /** {@code schema} with every top-level TIME column marked isAdjustedToUTC=false. */
    static MessageType localTimes(MessageType schema) {
        List<Type> fields = new ArrayList<>(schema.getFieldCount());
        for (Type field : schema.getFields()) {
            if (field.isPrimitive()
                    && field.getLogicalTypeAnnotation() instanceof TimeLogicalTypeAnnotation time
                    && time.isAdjustedToUTC()) {
                field = Types.primitive(field.asPrimitiveType().getPrimitiveTypeName(), field.getRepetition())
                        .as(LogicalTypeAnnotation.timeType(false, time.getUnit()))
                        .named(field.getName());
            }
            fields.add(field);
        }
        return new MessageType(schema.getName(), fields);
    }
}
