package io.flowexport.flow;

import java.util.regex.Pattern;

/**
 * A secret as a flow or destination file writes it: a reference {@code ${env:NAME}} (an environment variable)
 * or {@code ${file:/path}} (a file's content, trailing newline trimmed), or, discouraged, the secret itself
 * (validation warns). The value is read only when needed, by {@link Secrets#resolve}.
 *
 * <p>{@link #toString()} never shows a literal secret: a reference prints as written, a literal as {@code ****}.
 *
 * @param text the value as written in the file
 */
public record SecretValue(String text) {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):[^}]+}");

    /** True when the value is a single {@code ${env:...}} or {@code ${file:...}} reference. */
    public boolean isReference() {
        return REFERENCE.matcher(text).matches();
    }

    /** The value as safe to print: the reference, or {@code ****} for a literal. */
    public String masked() {
        return isReference() ? text : "****";
    }

    @Override
    public String toString() {
        return masked();
    }
}
