package io.flowexport.diag;

/**
 * A place in the original text of a flow file.
 *
 * @param line   1-based line
 * @param column 1-based column, counted in UTF-16 chars
 */
public record SourcePosition(int line, int column) {

    /** The start of the file, where file-level problems are reported. */
    public static final SourcePosition START = new SourcePosition(1, 1);
}
