package io.flowexport.dataset;

import com.zaxxer.hikari.HikariDataSource;
import io.flowexport.query.ExportQuery;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Streams an export's rows from PostgreSQL by {@code COPY (query) TO STDOUT (FORMAT binary)} and decodes the
 * binary tuples here, into the same canonical values {@link JdbcRows} reads (see {@link ValueKind}).
 *
 * <p>Why: through a JDBC cursor the server computes the next fetch only when the driver asks for it, so server and
 * reader take turns, and the driver parses every number and timestamp from text. A COPY streams without pausing,
 * and the binary format carries integers, floats and timestamps as they are stored: nothing is parsed from text.
 *
 * <p>The format (PostgreSQL's "COPY", section "Binary Format"): an 11-byte signature, a 32-bit flags field and a
 * header extension; then per row a 16-bit field count and per field a 32-bit length (-1 for NULL) and the value in
 * its type's binary send form, all big-endian; a field count of -1 ends the data. pgjdbc hands over the
 * CopyData messages (one per row; the header comes with the first); a value is never split here across
 * messages except the header's.
 *
 * <p>Only the column types of {@link #wire(Column)} are read this way; a query with any other column takes the
 * JDBC stream. One instance per run, used by one thread.
 */
public final class PgBinaryRows implements SourceRows {

    /** How a column's value arrives in the binary COPY format. */
    public enum Wire {
        /** int2, int4 or int8, told apart by the field's length; given as Integer or Long by the column's kind. */
        INTEGER,
        /** numeric: digit count, weight, sign, display scale, base-10000 digits. */
        NUMERIC,
        /** float4: IEEE 754 single. */
        FLOAT4,
        /** float8: IEEE 754 double. */
        FLOAT8,
        /** bool: one byte. */
        BOOL,
        /** date: days since 2000-01-01. */
        DATE,
        /** time: microseconds since midnight. */
        TIME,
        /** timestamp: microseconds since 2000-01-01 00:00. */
        TIMESTAMP,
        /** timestamptz: microseconds since 2000-01-01 00:00 UTC. */
        TIMESTAMPTZ,
        /** text-like types: the value's text in the client encoding (UTF-8, set by pgjdbc). */
        TEXT,
        /** jsonb: a version byte (1), then the text. */
        JSONB,
        /** uuid: 16 bytes. */
        UUID,
        /** bytea: the bytes. */
        BYTEA
    }

    private static final Set<String> INT32_TYPES = Set.of("int2", "int4", "smallint", "integer", "serial",
            "smallserial", "serial2", "serial4");
    private static final Set<String> INT64_TYPES = Set.of("int8", "bigint", "bigserial", "serial8");
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "character varying", "bpchar",
            "character", "name", "citext", "json");
    private static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    /** Days from 1970-01-01 to 2000-01-01. */
    private static final long PG_EPOCH_DAYS = 10_957L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final byte[] NONE = new byte[0];

    private final DataSource source;
    private final Connection connection;
    private final CopyOut copy;
    private final Wire[] wires;
    private final boolean[] int32;
    private final int[] scales;
    private final String[] names;
    private final int outputs;
    private final int batchIndex;
    private byte[] buf = NONE;
    private int pos;
    private boolean started;
    private boolean done;

    private PgBinaryRows(DataSource source, Connection connection, CopyOut copy, ExportQuery query, List<Wire> wires) {
        this.source = source;
        this.connection = connection;
        this.copy = copy;
        List<Column> columns = query.outputColumns();
        this.outputs = columns.size();
        this.batchIndex = query.batchIndex();
        this.wires = wires.toArray(Wire[]::new);
        int n = this.wires.length;
        this.int32 = new boolean[n];
        this.scales = new int[n];
        this.names = new String[n];
        Arrays.fill(scales, -1);
        Arrays.fill(names, "xt_batch_id");
        for (int c = 0; c < outputs; c++) {
            Column col = columns.get(c);
            int32[c] = col.kind() == ValueKind.INT32;
            scales[c] = col.kind() == ValueKind.DECIMAL && col.precision() > 0 ? col.scale() : -1;
            names[c] = col.name();
        }
    }

    /**
     * How a column of the export is read from a binary COPY, by its kind and PostgreSQL type name.
     *
     * @return the wire form, or empty when the binary path does not read this type (the export then takes the
     *         JDBC stream): domains, enums, arrays, intervals, network types, money, timetz, xml and the like
     */
    public static Optional<Wire> wire(Column c) {
        // pgjdbc names a type outside the search path with its schema: "public"."citext"
        String type = c.sqlType().toLowerCase(Locale.ROOT).replaceFirst("^\"[^\"]*\"\\.\"(.*)\"$", "$1");
        Wire w = switch (c.kind()) {
            case INT32 -> INT32_TYPES.contains(type) ? Wire.INTEGER : null;
            case INT64 -> INT64_TYPES.contains(type) ? Wire.INTEGER : null;
            case DECIMAL -> type.equals("numeric") || type.equals("decimal") ? Wire.NUMERIC : null;
            case FLOAT32 -> type.equals("float4") || type.equals("real") ? Wire.FLOAT4 : null;
            case FLOAT64 -> type.equals("float8") || type.equals("double precision") ? Wire.FLOAT8 : null;
            case BOOLEAN -> type.equals("bool") || type.equals("boolean") ? Wire.BOOL : null;
            case DATE -> type.equals("date") ? Wire.DATE : null;
            case TIME -> type.equals("time") || type.equals("time without time zone") ? Wire.TIME : null;
            case TIMESTAMP -> type.equals("timestamp") || type.equals("timestamp without time zone")
                    ? Wire.TIMESTAMP : null;
            case TIMESTAMP_TZ -> type.equals("timestamptz") || type.equals("timestamp with time zone")
                    ? Wire.TIMESTAMPTZ : null;
            case STRING -> TEXT_TYPES.contains(type) ? Wire.TEXT : type.equals("jsonb") ? Wire.JSONB
                    : type.equals("uuid") ? Wire.UUID : null;
            case BINARY -> type.equals("bytea") ? Wire.BYTEA : null;
        };
        return Optional.ofNullable(w);
    }

    /**
     * Starts the COPY.
     *
     * @param source     the PostgreSQL source (pooled connections, auto-commit off)
     * @param copySql    {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} selecting the output columns, then the
     *                   batch column when it is selected only for tracking (see {@code BinaryCopy})
     * @param query      the export's query: output columns and batch index
     * @param wires      the wire form of each selected column, in order
     * @param beforeCopy receives the connection before the COPY starts, so that another thread can cancel it
     * @throws SQLException when the connection or the statement fails
     */
    public static PgBinaryRows open(DataSource source, String copySql, ExportQuery query, List<Wire> wires,
                                    Consumer<PGConnection> beforeCopy) throws SQLException {
        Connection c = source.getConnection();
        try {
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
            PGConnection pg = c.unwrap(PGConnection.class);
            beforeCopy.accept(pg);
            return new PgBinaryRows(source, c, pg.getCopyAPI().copyOut(copySql), query, wires);
        } catch (SQLException | RuntimeException e) {
            JdbcRows.abandon(c);
            throw e;
        }
    }

    @Override
    public Long next(Object[] into) throws SQLException {
        if (done) {
            return null;
        }
        if (!started) {
            header();
            started = true;
        }
        need(2);
        int fields = i16(pos);
        pos += 2;
        if (fields == -1) {
            while (copy.readFromCopy() != null) {
                // the trailer is the last data; reading on ends the COPY and frees the connection
            }
            done = true;
            return null;
        }
        if (fields != wires.length) {
            throw new SQLException("PostgreSQL's binary COPY sent a row of " + fields + " fields; the export selects "
                    + wires.length, "XX000");
        }
        long batch = Long.MIN_VALUE;
        for (int c = 0; c < fields; c++) {
            need(4);
            int len = i32(pos);
            pos += 4;
            Object v = null;
            if (len >= 0) {
                need(len);
                v = decode(c, pos, len);
                pos += len;
            }
            if (c < outputs) {
                into[c] = v;
            }
            if (c == batchIndex && v != null) {
                batch = ((Number) v).longValue();
            }
        }
        return batch;
    }

    private void header() throws SQLException {
        need(SIGNATURE.length + 8);
        if (!Arrays.equals(buf, pos, pos + SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new SQLException("the COPY did not start with the binary format's signature", "XX000");
        }
        pos += SIGNATURE.length + 4; // the flags: bit 16 (OIDs) is never set by a COPY (query)
        int extension = i32(pos);
        pos += 4;
        need(extension);
        pos += extension;
    }

    /** Makes {@code n} bytes from {@link #pos} available, joining the next CopyData message when needed. */
    private void need(int n) throws SQLException {
        while (buf.length - pos < n) {
            byte[] next = copy.readFromCopy();
            if (next == null) {
                throw new SQLException("PostgreSQL's binary COPY ended in the middle of a row", "08006");
            }
            if (pos == buf.length) {
                buf = next;
            } else {
                byte[] joined = new byte[buf.length - pos + next.length];
                System.arraycopy(buf, pos, joined, 0, buf.length - pos);
                System.arraycopy(next, 0, joined, buf.length - pos, next.length);
                buf = joined;
            }
            pos = 0;
        }
    }

    private Object decode(int c, int p, int len) throws SQLException {
        switch (wires[c]) {
            case INTEGER: {
                long v = len == 8 ? i64(p) : len == 4 ? i32(p) : len == 2 ? i16(p) : badLength(c, len);
                return int32[c] ? (Object) (int) v : (Object) v;
            }
            case NUMERIC:
                return JdbcRows.atScale(numeric(p), scales[c]);
            case FLOAT4:
                return Float.intBitsToFloat(i32(p));
            case FLOAT8:
                return Double.longBitsToDouble(i64(p));
            case BOOL:
                return buf[p] != 0;
            case DATE: {
                int days = i32(p);
                return days == Integer.MAX_VALUE ? LocalDate.MAX : days == Integer.MIN_VALUE ? LocalDate.MIN
                        : LocalDate.ofEpochDay(days + PG_EPOCH_DAYS);
            }
            case TIME: {
                long micros = i64(p);
                if (micros < 0 || micros >= MICROS_PER_DAY) { // PostgreSQL allows 24:00:00; java.time does not
                    throw JdbcRows.notA(names[c], "24:00:00", JdbcRows.TIME_OF_DAY, null);
                }
                return LocalTime.ofNanoOfDay(micros * 1000);
            }
            case TIMESTAMP:
                return timestamp(i64(p));
            case TIMESTAMPTZ: {
                long micros = i64(p);
                // as pgjdbc reads 'infinity' and '-infinity', which cannot be moved to UTC (the JDBC stream fails)
                return micros == Long.MAX_VALUE ? JdbcRows.utc(OffsetDateTime.MAX)
                        : micros == Long.MIN_VALUE ? JdbcRows.utc(OffsetDateTime.MIN)
                        : timestamp(micros).atOffset(ZoneOffset.UTC);
            }
            case TEXT:
                return new String(buf, p, len, StandardCharsets.UTF_8);
            case JSONB:
                return new String(buf, p + 1, len - 1, StandardCharsets.UTF_8);
            case UUID:
                return new UUID(i64(p), i64(p + 8)).toString();
            case BYTEA:
                return Arrays.copyOfRange(buf, p, p + len);
            default:
                throw new IllegalStateException("unhandled wire form " + wires[c]);
        }
    }

    private long badLength(int c, int len) throws SQLException {
        throw new SQLException("column '" + names[c] + "': an integer of " + len + " bytes in the binary COPY",
                "XX000");
    }

    /** A timestamp without zone; {@code infinity} and {@code -infinity} as pgjdbc reads them. */
    private static LocalDateTime timestamp(long micros) {
        if (micros == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS,
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }

    /**
     * A numeric at its display scale, as pgjdbc gives it from the text form ({@code 1.50} has scale 2).
     *
     * @throws SQLException for NaN and the infinities, which {@link BigDecimal} cannot hold (as pgjdbc)
     */
    private BigDecimal numeric(int p) throws SQLException {
        int ndigits = i16(p);
        int weight = i16(p + 2);
        int sign = u16(p + 4);
        int dscale = u16(p + 6);
        if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
            String shown = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
            throw new SQLException("Bad value for type BigDecimal : " + shown, "22003");
        }
        int scale = 4 * (ndigits - 1 - weight);
        BigDecimal v;
        if (ndigits <= 4) {
            long unscaled = 0;
            for (int i = 0; i < ndigits; i++) {
                unscaled = unscaled * 10_000 + u16(p + 8 + 2 * i);
            }
            v = BigDecimal.valueOf(unscaled, scale);
        } else {
            StringBuilder digits = new StringBuilder(ndigits * 4);
            for (int i = 0; i < ndigits; i++) {
                String group = Integer.toString(u16(p + 8 + 2 * i));
                digits.append("0000", 0, 4 - group.length()).append(group);
            }
            v = new BigDecimal(new BigInteger(digits.toString()), scale);
        }
        if (sign == 0x4000) {
            v = v.negate();
        }
        try {
            return v.setScale(dscale); // PostgreSQL sends no non-zero digit beyond the display scale
        } catch (ArithmeticException e) {
            return v;
        }
    }

    private int u16(int p) {
        return (buf[p] & 0xff) << 8 | buf[p + 1] & 0xff;
    }

    private int i16(int p) {
        return (short) u16(p);
    }

    private int i32(int p) {
        return (buf[p] & 0xff) << 24 | (buf[p + 1] & 0xff) << 16 | (buf[p + 2] & 0xff) << 8 | buf[p + 3] & 0xff;
    }

    private long i64(int p) {
        return (long) i32(p) << 32 | i32(p + 4) & 0xffffffffL;
    }

    /**
     * Ends the COPY and gives the connection back, rolled back. A COPY stopped before its end (an abort, a writer
     * that failed) is cancelled and read to its end, and its connection is closed for good: pgjdbc can leave it
     * out of step with the server, and the pool must not hand it to the next run.
     */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
                while (copy.readFromCopy() != null) {
                    // drain until the server ends the cancelled COPY
                }
            } catch (SQLException cancelled) {
                // the cancel's expected end
            }
            discard(source, connection);
            return;
        }
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }

    /**
     * Closes {@code c} for good: evicted from the pool when {@code source} is a Hikari pool, else closed.
     * Failures are ignored: either way the connection is not used again.
     */
    public static void discard(DataSource source, Connection c) {
        try {
            if (source.isWrapperFor(HikariDataSource.class)) {
                source.unwrap(HikariDataSource.class).evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            // closed already
        }
    }
}
