package io.flowexport.flow.parse;

import io.flowexport.diag.SourcePosition;

/**
 * A TOML syntax error, positioned in the original (not the rewritten) text.
 *
 * @param position where the parser stopped understanding the text
 * @param message  the parser's description, without the position
 */
public record SyntaxError(SourcePosition position, String message) {
}
