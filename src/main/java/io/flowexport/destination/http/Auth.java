package io.flowexport.destination.http;

import java.util.Objects;

/**
 * How requests authenticate; values are secrets already resolved from their references. Every {@code toString()}
 * masks the secret part, so an {@code Auth} can be logged.
 */
public sealed interface Auth permits Auth.None, Auth.Bearer, Auth.Basic, Auth.ApiKey {

    /** No authentication header. */
    record None() implements Auth {
    }

    /**
     * {@code Authorization: Bearer <token>}.
     *
     * @param token the token, not blank; no line breaks
     */
    record Bearer(String token) implements Auth {
        public Bearer {
            Headers.requireValue("bearer token", Objects.requireNonNull(token, "token"));
            if (token.isBlank()) {
                throw new IllegalArgumentException("bearer token is blank");
            }
        }

        @Override
        public String toString() {
            return "Bearer[token=***]";
        }
    }

    /**
     * {@code Authorization: Basic base64(user:password)}, the pair encoded as UTF-8 (RFC 7617).
     *
     * @param user     the user name, not empty, without {@code :}; not secret (it appears in messages)
     * @param password the password, may be empty
     */
    record Basic(String user, String password) implements Auth {
        public Basic {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.indexOf(':') >= 0) {
                throw new IllegalArgumentException("basic auth user must be non-empty and must not contain ':'");
            }
            Headers.requireValue("basic auth user", user);
            Headers.requireValue("basic auth password", password);
        }

        @Override
        public String toString() {
            return "Basic[user=" + user + ", password=***]";
        }
    }

    /**
     * An API key sent in a header of its own, e.g. {@code X-Api-Key: <value>}.
     *
     * @param header the header name (an HTTP token), not one flow-export sets itself
     * @param value  the key, not blank; no line breaks
     */
    record ApiKey(String header, String value) implements Auth {
        public ApiKey {
            Headers.requireName("API key header", Objects.requireNonNull(header, "header"));
            Headers.requireNotReserved(header);
            Headers.requireValue("API key", Objects.requireNonNull(value, "value"));
            if (value.isBlank()) {
                throw new IllegalArgumentException("API key is blank");
            }
        }

        @Override
        public String toString() {
            return "ApiKey[header=" + header + ", value=***]";
        }
    }
}
