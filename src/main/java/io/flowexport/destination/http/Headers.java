package io.flowexport.destination.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Header rules shared by the settings, the request and the calls: which names are valid, which ones flow-export
 * owns, and the auth headers. Messages name headers, never their values.
 */
final class Headers {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String AUTHORIZATION = "Authorization";
    /** Run headers start with this; configured headers must not, so neither side can overwrite the other. */
    static final String RUN_PREFIX = "X-FlowExport-";

    /** Set by flow-export or by the HTTP client from the body; configured headers may not replace them. */
    private static final Set<String> RESERVED = lowerCase(Set.of("Content-Type", "Content-Length",
            "Transfer-Encoding", "Content-Encoding", "Host", "Connection", "Keep-Alive", "Expect", "TE", "Trailer",
            "Upgrade", IDEMPOTENCY_KEY));

    private Headers() {
    }

    /** @throws IllegalArgumentException when the name is not an RFC 9110 token */
    static void requireName(String what, String name) {
        if (name.isEmpty() || !name.chars().allMatch(Headers::isTokenChar)) {
            throw new IllegalArgumentException(what + " '" + printable(name) + "' is not a valid header name");
        }
    }

    /** @throws IllegalArgumentException when the value holds a line break or NUL (header injection) */
    static void requireValue(String what, String value) {
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException(what + " contains a line break or NUL character");
        }
    }

    /** @throws IllegalArgumentException when flow-export or the HTTP client sets this header itself */
    static void requireNotReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || lower.startsWith(RUN_PREFIX.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header " + name + " is set by flow-export and cannot be configured");
        }
    }

    /**
     * Validates and copies a header map, keeping its order.
     *
     * @throws IllegalArgumentException naming the first bad header: invalid name or value, a name given twice
     *                                  (ignoring case)
     */
    static Map<String, String> copy(String what, Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            requireName(what, name);
            if (value == null) {
                throw new IllegalArgumentException(what + " " + name + " has no value");
            }
            requireValue(what + " " + name, value);
            if (!seen.add(name)) {
                throw new IllegalArgumentException(what + " " + name + " is given twice (names ignore case)");
            }
            copy.put(name, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** The header that carries the credentials, empty for {@link Auth.None}. */
    static Map<String, String> of(Auth auth) {
        if (auth instanceof Auth.Bearer b) {
            return Map.of(AUTHORIZATION, "Bearer " + b.token());
        }
        if (auth instanceof Auth.Basic b) {
            String pair = b.user() + ":" + b.password();
            return Map.of(AUTHORIZATION,
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        if (auth instanceof Auth.ApiKey k) {
            return Map.of(k.header(), k.value());
        }
        return Map.of();
    }

    /** The auth header's name, or null for {@link Auth.None}. */
    static String nameOf(Auth auth) {
        return of(auth).keySet().stream().findFirst().orElse(null);
    }

    /** What messages may say about the auth: its kind and non-secret parts. */
    static String describe(Auth auth) {
        if (auth instanceof Auth.Bearer) {
            return "bearer token";
        }
        if (auth instanceof Auth.Basic b) {
            return "basic auth (user '" + b.user() + "')";
        }
        if (auth instanceof Auth.ApiKey k) {
            return "API key in header " + k.header();
        }
        return "no auth";
    }

    /** What to check when the server refuses the credentials. */
    static String advice(Auth auth) {
        if (auth instanceof Auth.Bearer) {
            return "check the token";
        }
        if (auth instanceof Auth.Basic) {
            return "check the user and password";
        }
        if (auth instanceof Auth.ApiKey k) {
            return "check the API key and that the server expects it in header " + k.header();
        }
        return "no auth is configured: set auth";
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static String printable(String name) {
        return name.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? name : name.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static Set<String> lowerCase(Set<String> names) {
        Set<String> lower = new java.util.HashSet<>();
        names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
        return Set.copyOf(lower);
    }
}
