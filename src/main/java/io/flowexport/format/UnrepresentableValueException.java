package io.flowexport.format;

/**
 * A text value holds a character the configured encoding cannot represent: one kind of
 * {@link UnwritableValueException}. The run fails and publishes nothing.
 */
public class UnrepresentableValueException extends UnwritableValueException {
    private final String column;
    private final String encoding;
    private final long row;

    /**
     * @param column   the column whose value could not be encoded
     * @param encoding the encoding's TOML spelling, e.g. {@code latin-1}
     * @param row      1-based row number within the export
     * @param codePoint the first code point that could not be encoded
     */
    public UnrepresentableValueException(String column, String encoding, long row, int codePoint) {
        super(String.format("column '%s' in row %d holds U+%04X, which encoding '%s' cannot represent; "
                + "choose an encoding that can (utf-8, utf-8-sig, utf-16) or clean the data", column, row,
                codePoint, encoding), null);
        this.column = column;
        this.encoding = encoding;
        this.row = row;
    }

    /** The column whose value could not be encoded. */
    public String column() {
        return column;
    }

    /** The encoding's TOML spelling. */
    public String encoding() {
        return encoding;
    }

    /** The 1-based row number within the export. */
    public long row() {
        return row;
    }
}
