package io.flowexport.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret references ({@code ${env:NAME}}, {@code ${file:/path}}) and keeps every value it resolved, so
 * that {@link #redact} can mask them in any text that leaves the runner (run results, log lines, errors).
 *
 * <p>Values are read when a destination is used, never at validation: {@code validate} and {@code plan} show the
 * references, not the values.
 */
public final class Secrets {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();
    private static final Pattern SECRET_HEADER = Pattern.compile(
            "(?i)(authorization|proxy-authorization|cookie|.*(token|secret|key|password|signature|credential).*)");

    private final Function<String, String> env;

    /** @param env the environment, normally {@code System::getenv} */
    public Secrets(Function<String, String> env) {
        this.env = env;
    }

    /** Secrets from the process environment and files. */
    public static Secrets system() {
        return new Secrets(System::getenv);
    }

    /**
     * The value of a secret.
     *
     * @throws SecretException when the variable is not set or the file cannot be read; the message names the
     *                         reference, never a value
     */
    public String resolve(SecretValue secret) {
        if (secret == null) {
            return null;
        }
        return secret.isReference() ? render(secret.text()) : remember(secret.text());
    }

    /**
     * Replaces every {@code ${env:...}} and {@code ${file:...}} reference inside {@code template} (a URL, a header
     * value) by its value.
     *
     * @throws SecretException as {@link #resolve}
     */
    public String render(String template) {
        if (template == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = "env".equals(m.group(1)) ? fromEnv(m.group(2)) : fromFile(m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(remember(value)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String fromEnv(String name) {
        String v = env.apply(name);
        if (v == null || v.isEmpty()) {
            throw new SecretException("secret ${env:" + name + "} is not set; export the environment variable "
                    + name + " before starting the runner");
        }
        return v;
    }

    private static String fromFile(String path) {
        try {
            String v = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            v = v.endsWith("\r\n") ? v.substring(0, v.length() - 2) : v.endsWith("\n") ? v.substring(0, v.length() - 1) : v;
            if (v.isEmpty()) {
                throw new SecretException("secret ${file:" + path + "} is empty; write the secret into the file");
            }
            return v;
        } catch (IOException e) {
            throw new SecretException("secret ${file:" + path + "} cannot be read (" + e.getClass().getSimpleName()
                    + "); check that the file exists and the runner may read it");
        }
    }

    private static String remember(String value) {
        if (value != null && value.length() >= 4) {
            SEEN.add(value);
        }
        return value;
    }

    /**
     * True for a header whose value is normally a secret ({@code Authorization}, {@code Cookie}, and names with
     * token, secret, key, password, signature or credential in them): validation warns when its value is written
     * in clear, and descriptions mask it.
     */
    public static boolean isSecretHeader(String name) {
        return SECRET_HEADER.matcher(name).matches();
    }

    /** True when {@code text} contains a secret reference. */
    public static boolean hasReference(String text) {
        return text != null && REFERENCE.matcher(text).find();
    }

    /**
     * Masks every secret value resolved so far (and its Base64 form, as in a Basic authorization) in {@code text}.
     *
     * @return the text with each such value replaced by {@code ****}; null for null
     */
    public static String redact(String text) {
        if (text == null || SEEN.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : SEEN) {
            if (out.contains(s)) {
                out = out.replace(s, "****");
            }
        }
        return out;
    }

    /** Registers derived forms of secrets (e.g. a Basic credential's Base64) for {@link #redact}. */
    public static void rememberDerived(String value) {
        remember(value);
    }

    /** Thrown when a secret reference cannot be resolved; the message never holds a secret. */
    public static final class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }
    }
}
