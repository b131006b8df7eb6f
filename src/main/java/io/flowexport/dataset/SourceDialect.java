package io.flowexport.dataset;

import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What differs between the source databases an export reads: how identifiers are quoted, how a column's JDBC type
 * maps to a {@link ValueKind}, how each kind is read from a {@link java.sql.ResultSet}, which schemas are the
 * system's, and what a connection needs to stream. Chosen from the JDBC URL's prefix ({@link #of(String)}), so
 * it is known before any connection is made.
 *
 * <p>Bundled and tested: PostgreSQL, H2, MariaDB (and MySQL through MariaDB Connector/J), SQLite, DuckDB; SQL
 * Server is unit-tested here and integration-tested against a real server only on request (README, "Source
 * databases"). Any other database whose driver is in {@code lib/} gets {@link #GENERIC}: the database's own
 * identifier quote and the JDBC type mapping.
 */
public enum SourceDialect {

    /** PostgreSQL: the reference dialect; {@code timestamptz} is reported as TIMESTAMP, so its name is checked. */
    POSTGRESQL("PostgreSQL", List.of("jdbc:postgresql:"), "\""),

    /** H2, the demo database. */
    H2("H2", List.of("jdbc:h2:"), "\""),

    /**
     * MariaDB and MySQL (MariaDB Connector/J). A database is a JDBC catalog, not a schema. {@code BIGINT UNSIGNED}
     * becomes DECIMAL(20,0) and {@code INT UNSIGNED} a 64-bit integer so that no value wraps; {@code YEAR} is a
     * number; {@code TIMESTAMP} (an instant, shown in the session's time zone) is read with the session at
     * {@code +00:00} and written as UTC; {@code DATETIME} stays a wall-clock time.
     */
    MARIADB("MariaDB", List.of("jdbc:mariadb:", "jdbc:mysql:"), "`") {
        @Override
        Typing typing(int jdbcType, String name, int size, int digits) {
            if (name.startsWith("bigint") && name.contains("unsigned")) {
                return new Typing(ValueKind.DECIMAL, 20, 0);
            }
            if (name.startsWith("int") && name.contains("unsigned")) {
                return new Typing(ValueKind.INT64, 0, 0);
            }
            if (name.equals("year")) {
                return new Typing(ValueKind.INT32, 0, 0);
            }
            if (name.equals("timestamp")) {
                return new Typing(ValueKind.TIMESTAMP_TZ, 0, 0);
            }
            return super.typing(jdbcType, name, size, digits);
        }

        @Override
        public String timeAsText(String quotedColumn) {
            return "CAST(" + quotedColumn + " AS CHAR(40))";
        }

        @Override
        public String connectionInitSql() {
            return "SET time_zone = '+00:00'";
        }

        @Override
        Read read(ValueKind kind, String sqlType) {
            return kind == ValueKind.TIMESTAMP_TZ ? Read.TIMESTAMP_AS_UTC : super.read(kind, sqlType);
        }

        @Override
        public boolean catalogIsSchema() {
            return true;
        }
    },

    /**
     * Microsoft SQL Server (mssql-jdbc). Identifiers in brackets; {@code datetimeoffset} is a timestamp with zone,
     * {@code datetime2}, {@code datetime} and {@code smalldatetime} are without; {@code money} and
     * {@code smallmoney} are DECIMAL(19,4) and DECIMAL(10,4); {@code uniqueidentifier}, {@code nvarchar},
     * {@code xml} are text.
     */
    SQLSERVER("SQL Server", List.of("jdbc:sqlserver:"), "[") {
        @Override
        Typing typing(int jdbcType, String name, int size, int digits) {
            if (jdbcType == -155 /* microsoft.sql.Types.DATETIMEOFFSET */ || name.equals("datetimeoffset")) {
                return new Typing(ValueKind.TIMESTAMP_TZ, 0, 0);
            }
            if (name.equals("money")) {
                return new Typing(ValueKind.DECIMAL, 19, 4);
            }
            if (name.equals("smallmoney")) {
                return new Typing(ValueKind.DECIMAL, 10, 4);
            }
            if (name.equals("uniqueidentifier")) {
                return new Typing(ValueKind.STRING, 0, 0);
            }
            if (name.equals("tinyint")) {
                return new Typing(ValueKind.INT32, 0, 0); // 0..255 in SQL Server
            }
            return super.typing(jdbcType, name, size, digits);
        }

        @Override
        public String quote(String identifier) {
            return "[" + identifier.replace("]", "]]") + "]";
        }

        @Override
        boolean isSystemSchema(String schema) {
            return Set.of("sys", "information_schema", "guest").contains(schema) || schema.startsWith("db_");
        }
    },

    /**
     * SQLite (xerial sqlite-jdbc). Types are the columns' declared names, read by SQLite's affinity rules: every
     * integer type is 64-bit, REAL / FLOAT / DOUBLE are 64-bit floats, BLOB is binary. Dates and times are kept
     * as ISO-8601 text ({@code 2026-01-31}, {@code 2026-01-31 10:15:30.123}, with {@code T} or a space, an
     * offset for a TIMESTAMP WITH TIME ZONE) and parsed here; a DECIMAL holds what SQLite stored (integer, real
     * or text) and is written at the declared scale.
     */
    SQLITE("SQLite", List.of("jdbc:sqlite:"), "\"") {
        @Override
        Typing typing(int jdbcType, String name, int size, int digits) {
            if (name.contains("with time zone") || name.equals("timestamptz")) {
                return new Typing(ValueKind.TIMESTAMP_TZ, 0, 0);
            }
            if (name.equals("boolean") || name.equals("bool")) {
                return new Typing(ValueKind.BOOLEAN, 0, 0);
            }
            if (name.contains("int")) {
                return new Typing(ValueKind.INT64, 0, 0);
            }
            if (name.startsWith("decimal") || name.startsWith("numeric")) {
                // sqlite-jdbc reports DECIMAL(p,s) as COLUMN_SIZE p + s, DECIMAL_DIGITS s; without (p,s), 2e9
                int precision = size - digits;
                return precision > 0 && precision <= 1000 ? new Typing(ValueKind.DECIMAL, precision, digits)
                        : new Typing(ValueKind.DECIMAL, 0, 0);
            }
            if (name.contains("real") || name.contains("floa") || name.contains("doub")) {
                return new Typing(ValueKind.FLOAT64, 0, 0);
            }
            if (name.equals("blob")) {
                return new Typing(ValueKind.BINARY, 0, 0);
            }
            if (name.equals("date")) {
                return new Typing(ValueKind.DATE, 0, 0);
            }
            if (name.equals("time")) {
                return new Typing(ValueKind.TIME, 0, 0);
            }
            if (name.startsWith("timestamp") || name.equals("datetime")) {
                return new Typing(ValueKind.TIMESTAMP, 0, 0);
            }
            return new Typing(ValueKind.STRING, 0, 0);
        }

        @Override
        public String timeAsText(String quotedColumn) {
            return quotedColumn;
        }

        @Override
        Read read(ValueKind kind, String sqlType) {
            return switch (kind) {
                case DATE -> Read.DATE_TEXT;
                case TIMESTAMP -> Read.TIMESTAMP_TEXT;
                case TIMESTAMP_TZ -> Read.TIMESTAMP_TZ_TEXT;
                case DECIMAL -> Read.DECIMAL_STORED;
                default -> super.read(kind, sqlType);
            };
        }

        @Override
        public boolean setsReadOnlyOnConnection() {
            return false; // sqlite-jdbc refuses setReadOnly once connected; the runner only reads
        }
    },

    /**
     * DuckDB (duckdb_jdbc). FLOAT is 4 bytes; HUGEINT, UHUGEINT and UBIGINT are DECIMAL(39/39/20, 0);
     * TIMESTAMP_S / _MS / _NS are timestamps; UUID, lists, structs and maps are text. Results stream
     * ({@code jdbc_stream_results}) instead of being materialised.
     */
    DUCKDB("DuckDB", List.of("jdbc:duckdb:"), "\"") {
        @Override
        Typing typing(int jdbcType, String name, int size, int digits) {
            if (name.equals("float") || name.equals("real") || name.equals("float4")) {
                return new Typing(ValueKind.FLOAT32, 0, 0);
            }
            if (name.equals("hugeint") || name.equals("uhugeint")) {
                return new Typing(ValueKind.DECIMAL, 39, 0);
            }
            if (name.equals("ubigint")) {
                return new Typing(ValueKind.DECIMAL, 20, 0);
            }
            if (name.equals("uinteger")) {
                return new Typing(ValueKind.INT64, 0, 0);
            }
            if (name.equals("usmallint") || name.equals("utinyint")) {
                return new Typing(ValueKind.INT32, 0, 0);
            }
            if (name.startsWith("timestamp_")) {
                return new Typing(ValueKind.TIMESTAMP, 0, 0);
            }
            return super.typing(jdbcType, name, size, digits);
        }

        @Override
        public String timeAsText(String quotedColumn) {
            return "CAST(" + quotedColumn + " AS VARCHAR)";
        }

        @Override
        public Map<String, String> connectionProperties() {
            return Map.of("jdbc_stream_results", "true");
        }

        @Override
        public boolean setsReadOnlyOnConnection() {
            return false; // DuckDB fixes the access mode when the database opens, not per connection
        }
    },

    /** Any other database: its own identifier quote ({@code DatabaseMetaData}) and the JDBC type mapping. */
    GENERIC("the source database", List.of(), "\"");

    private final List<String> urlPrefixes;
    private final String defaultQuote;

    /**
     * @param product      the database's name (documentation of the constant)
     * @param urlPrefixes  the JDBC URL prefixes that select this dialect, lower case
     * @param defaultQuote the identifier quote ({@code [} stands for SQL Server's brackets)
     */
    SourceDialect(String product, List<String> urlPrefixes, String defaultQuote) {
        this.urlPrefixes = urlPrefixes;
        this.defaultQuote = defaultQuote;
    }

    /**
     * The dialect of a JDBC URL, by its prefix ({@code jdbc:mariadb:}, {@code jdbc:sqlite:}, ...).
     *
     * @param jdbcUrl a JDBC URL; null or unknown prefixes give {@link #GENERIC}
     */
    public static SourceDialect of(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        for (SourceDialect d : values()) {
            for (String prefix : d.urlPrefixes) {
                if (url.startsWith(prefix)) {
                    return d;
                }
            }
        }
        return GENERIC;
    }

    /**
     * Quotes an identifier with the dialect's quote, doubling any quote inside it: {@code "a""b"},
     * {@code `a``b`}, {@code [a]]b]}.
     */
    public String quote(String identifier) {
        return quote(identifier, defaultQuote);
    }

    /** Quotes with {@code quote} (e.g. the one a generic database's metadata reports), doubling it inside. */
    public static String quote(String identifier, String quote) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    /**
     * The SELECT expression that reads a TIME column as text (drivers return {@code java.sql.Time}, which drops
     * the fraction of a second); the text is parsed as {@link java.time.LocalTime}.
     *
     * @param quotedColumn the column, already quoted
     */
    public String timeAsText(String quotedColumn) {
        return "CAST(" + quotedColumn + " AS VARCHAR(40))";
    }

    /** SQL run once on every new source connection, or null. */
    public String connectionInitSql() {
        return null;
    }

    /** Driver properties every source connection gets (on top of the URL's and the user's). */
    public Map<String, String> connectionProperties() {
        return Map.of();
    }

    /** Whether the pool may mark source connections read-only with {@code Connection.setReadOnly(true)}. */
    public boolean setsReadOnlyOnConnection() {
        return true;
    }

    /** Whether a database is a JDBC catalog (MariaDB, MySQL): {@code db.table} names the catalog then. */
    public boolean catalogIsSchema() {
        return false;
    }

    /**
     * Maps a column's metadata to its kind, precision and scale.
     *
     * @param jdbcType {@code DatabaseMetaData.getColumns} DATA_TYPE
     * @param typeName its TYPE_NAME (any case; null allowed)
     * @param size     its COLUMN_SIZE
     * @param digits   its DECIMAL_DIGITS
     * @return the column's kind; precision and scale are set for DECIMAL only (precision 0: unbounded)
     */
    public Typing typingOf(int jdbcType, String typeName, int size, int digits) {
        String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT).trim();
        int paren = name.indexOf('(');
        if (paren > 0 && !name.contains("with")) {
            name = name.substring(0, paren).trim(); // DuckDB's DECIMAL(12,2)
        }
        return typing(jdbcType, name, size, digits);
    }

    /** The per-dialect mapping; {@code name} is the lower-case type name without a (p,s) suffix. */
    Typing typing(int jdbcType, String name, int size, int digits) {
        ValueKind kind = genericKind(jdbcType, name);
        if (kind != ValueKind.DECIMAL) {
            return new Typing(kind, 0, 0);
        }
        // PostgreSQL reports an unconstrained numeric as precision 131089 (or 0): both are unbounded
        int precision = size <= 0 || size > 1000 ? 0 : size;
        return new Typing(kind, precision, precision > 0 ? Math.max(0, digits) : 0);
    }

    /**
     * The JDBC type mapping every dialect starts from. pgjdbc reports {@code timestamptz} as
     * {@link Types#TIMESTAMP}, so the type name is checked too.
     */
    static ValueKind genericKind(int jdbcType, String name) {
        if (name.equals("timestamptz") || name.contains("with time zone") && name.startsWith("timestamp")) {
            return ValueKind.TIMESTAMP_TZ;
        }
        if (name.equals("timetz") || name.contains("with time zone") && name.startsWith("time")) {
            return ValueKind.STRING; // a time of day with an offset has no exact type in the formats: keep its text
        }
        return switch (jdbcType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> ValueKind.INT32;
            case Types.BIGINT -> ValueKind.INT64;
            case Types.NUMERIC, Types.DECIMAL -> ValueKind.DECIMAL;
            case Types.REAL -> ValueKind.FLOAT32;
            case Types.FLOAT, Types.DOUBLE -> ValueKind.FLOAT64;
            case Types.BOOLEAN -> ValueKind.BOOLEAN;
            case Types.BIT -> name.equals("bit") || name.equals("bool") || name.equals("boolean")
                    ? ValueKind.BOOLEAN : ValueKind.STRING;
            case Types.DATE -> ValueKind.DATE;
            case Types.TIME -> ValueKind.TIME;
            case Types.TIMESTAMP -> ValueKind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> ValueKind.TIMESTAMP_TZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> ValueKind.BINARY;
            default -> ValueKind.STRING;
        };
    }

    /** How {@link JdbcRows} reads a column of {@code kind} (declared as {@code sqlType}) in this dialect. */
    Read read(ValueKind kind, String sqlType) {
        return switch (kind) {
            case INT32 -> Read.INT;
            case INT64 -> Read.LONG;
            case DECIMAL -> Read.DECIMAL;
            case FLOAT32 -> Read.FLOAT;
            case FLOAT64 -> Read.DOUBLE;
            case BOOLEAN -> Read.BOOLEAN;
            case DATE -> Read.DATE;
            case TIME -> Read.TIME_TEXT;
            case TIMESTAMP -> Read.TIMESTAMP;
            case TIMESTAMP_TZ -> Read.TIMESTAMP_TZ;
            case STRING -> Read.STRING;
            case BINARY -> Read.BYTES;
        };
    }

    /** Whether a schema holds the database's own tables, never a dataset. */
    boolean isSystemSchema(String schema) {
        return false;
    }

    /** Whether {@code schema} (a JDBC schema, or a catalog where {@link #catalogIsSchema()}) is a system one. */
    public boolean isSystem(String schema) {
        if (schema == null) {
            return false;
        }
        String s = schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.equals("pg_catalog") || s.startsWith("pg_toast")
                || s.equals("mysql") || s.equals("performance_schema") || s.equals("sys")
                || isSystemSchema(s);
    }

    /**
     * A column's kind with its DECIMAL precision and scale.
     *
     * @param kind      the logical type
     * @param precision total digits of a DECIMAL, 0 when unbounded or not a DECIMAL
     * @param scale     digits after the point of a DECIMAL, else 0
     */
    public record Typing(ValueKind kind, int precision, int scale) {
    }

    /** The typed read of one column (see {@link JdbcRows}). */
    enum Read {
        INT, LONG, DECIMAL, FLOAT, DOUBLE, BOOLEAN, DATE, TIME_TEXT, TIMESTAMP, TIMESTAMP_TZ, STRING, BYTES,
        /** MariaDB TIMESTAMP: the session is at +00:00, so the wall-clock value read is UTC. */
        TIMESTAMP_AS_UTC,
        /** SQLite: ISO-8601 text. */
        DATE_TEXT, TIMESTAMP_TEXT, TIMESTAMP_TZ_TEXT,
        /**
         * SQLite: a number as stored: an integer, a REAL (its shortest decimal form, as {@link Double#toString}
         * prints it, not the driver's 17 digits) or text.
         */
        DECIMAL_STORED
    }
}
