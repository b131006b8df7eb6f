package io.flowexport.destination.spi;

import io.flowexport.flow.Durations;
import io.flowexport.flow.SecretValue;
import io.flowexport.flow.parse.TomlView;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of declared options for destination parsers: a key the table sets is read and checked, an absent key
 * keeps the catalogue entry's value ({@code inherited}, null without an entry) or else the option's declared
 * default. Problems go to the view's {@link io.flowexport.diag.Problems}; nothing throws.
 */
public final class Values {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");
    private static final Pattern ANY_REF = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern GOOD_REF = Pattern.compile("(env:[A-Za-z_][A-Za-z0-9_]*|file:/[^}]+)");

    private Values() {
    }

    /** A duration ({@code 500ms}, {@code 30s}, {@code 15m}); null when wrong (reported). */
    public static Duration duration(TomlView v, Option o, Duration inherited) {
        String k = o.name();
        Duration fallback = inherited != null ? inherited : o.defaultAs(Duration.class);
        if (!v.has(k)) {
            return fallback;
        }
        String s = v.string(k);
        if (s == null) {
            return null;
        }
        Duration d = Durations.parse(s).orElse(null);
        if (d == null || d.isZero()) {
            v.problems().error(v.pos(k), v.key(k), "invalid duration '" + s + "'; write a number greater than 0 "
                    + "and a unit: 500ms, 30s, 15m, 1h");
            return null;
        }
        return d;
    }

    /** An integer from 1 to {@code max}; the fallback when wrong (reported). */
    public static int bounded(TomlView v, Option o, Integer inherited, int max) {
        String k = o.name();
        int fallback = inherited != null ? inherited : o.defaultAs(Integer.class);
        if (!v.has(k)) {
            return fallback;
        }
        Long n = v.integer(k);
        if (n == null) {
            return fallback;
        }
        if (n < 1 || n > max) {
            v.problems().error(v.pos(k), v.key(k), k + " must be between 1 and " + max + ", found " + n);
            return fallback;
        }
        return n.intValue();
    }

    /** A byte size: an integer (bytes) or a string with a unit (KiB, MiB...); 1 KiB to 4000 MiB; null when wrong. */
    public static Long size(TomlView v, Option o, Long inherited) {
        String k = o.name();
        if (!v.has(k)) {
            return inherited != null ? inherited : o.defaultAs(Long.class);
        }
        Object raw = v.raw(k);
        long bytes;
        if (raw instanceof Long l) {
            v.integer(k);
            bytes = l;
        } else {
            String s = v.string(k);
            if (s == null) {
                return null;
            }
            Matcher m = SIZE.matcher(s.trim());
            if (!m.matches()) {
                v.problems().error(v.pos(k), v.key(k), "invalid size '" + s + "'; write bytes or a number and a "
                        + "unit: 4MiB, 512KiB, 8MB");
                return null;
            }
            long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KB" -> 1000L;
                case "KiB" -> 1024L;
                case "MB" -> 1000_000L;
                case "MiB" -> 1L << 20;
                case "GB" -> 1000_000_000L;
                case "GiB" -> 1L << 30;
                default -> 1L;
            };
            bytes = Long.parseLong(m.group(1)) * unit;
        }
        if (bytes < 1024 || bytes > 4000L << 20) {
            v.problems().error(v.pos(k), v.key(k), k + " must be between 1KiB and 4000MiB, found " + bytes + " bytes");
            return null;
        }
        return bytes;
    }

    /**
     * A declared secret option: a reference, or (with a warning) a literal; the inherited value when absent; null
     * when wrong (reported). Read as a {@link SecretValue}, which never prints a literal.
     *
     * @throws IllegalArgumentException when {@code o} is not declared secret (a mistake in the type's parser)
     */
    public static SecretValue secret(TomlView v, Option o, SecretValue inherited) {
        if (!o.secret()) {
            throw new IllegalArgumentException("option '" + o.name() + "' is not declared secret");
        }
        return v.has(o.name()) ? secret(v, o.name()) : inherited;
    }

    /** A secret under key {@code k}: a reference, or (with a warning) a literal; null when absent or wrong. */
    public static SecretValue secret(TomlView v, String k) {
        String s = v.string(k);
        if (s == null) {
            return null;
        }
        boolean wellFormed = references(v, k, s);
        SecretValue secret = new SecretValue(s);
        if (wellFormed && !secret.isReference()) {
            literal(v, k, "'" + k + "'");
        }
        return secret;
    }

    /** A secret that must be there: reports {@code what} when it is missing. */
    public static SecretValue required(TomlView a, String k, String what) {
        if (!a.has(k)) {
            a.missing(k, what);
            return null;
        }
        return secret(a, k);
    }

    /** A string that must be there: reports {@code what} when it is missing. */
    public static String requiredString(TomlView a, String k, String what) {
        if (!a.has(k)) {
            a.missing(k, what + ": " + k + " = \"...\"");
            return null;
        }
        return a.string(k);
    }

    /** Warns that {@code what} under key {@code k} holds a secret in clear text. */
    public static void literal(TomlView v, String k, String what) {
        v.problems().warning(v.pos(k), v.key(k), what + " holds a secret in clear text; files end up in version "
                + "control and backups: write ${env:NAME} or ${file:/path/to/secret} instead");
    }

    /** Reports {@code ${...}} that is not {@code ${env:NAME}} or {@code ${file:/absolute/path}}; false when any. */
    public static boolean references(TomlView v, String k, String value) {
        Matcher m = ANY_REF.matcher(value);
        boolean ok = true;
        while (m.find()) {
            if (!GOOD_REF.matcher(m.group(1)).matches()) {
                ok = false;
                v.problems().error(v.pos(k), v.key(k), "invalid secret reference '${" + m.group(1) + "}'; write "
                        + "${env:NAME} (an environment variable) or ${file:/absolute/path} (a file's content)");
            }
        }
        return ok;
    }

    /** Reports every key of an {@code auth} table that its {@code type} does not take. */
    public static void only(TomlView a, Set<String> keys) {
        for (String k : a.keys()) {
            if (!keys.contains(k)) {
                a.problems().error(a.pos(k), a.key(k), "key '" + k + "' does not belong to auth type '"
                        + a.string("type") + "'; keys: " + String.join(", ", new TreeSet<>(keys)));
            }
        }
    }
}
