package io.flowexport.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer token that protects the runner's HTTP API ({@code flowexport.http.token}), or none.
 *
 * <p>Only a SHA-256 digest of the token is kept for checking requests, and {@link #accepts} compares digests with
 * {@link MessageDigest#isEqual}, whose time does not depend on where the bytes differ, so neither the length nor a
 * prefix of the token can be learned by timing answers. {@link #toString()} never shows the token.
 */
public final class HttpToken {

    /** No token: the API answers every request (allowed on a loopback address only, see {@code run}). */
    public static final HttpToken NONE = new HttpToken(null);

    /** Tokens shorter than this are refused: a guessable token protects nothing. */
    public static final int MIN_LENGTH = 16;

    private static final String BEARER = "Bearer ";

    private final String value;
    private final byte[] digest;

    private HttpToken(String value) {
        this.value = value;
        this.digest = value == null ? null : sha256(value);
    }

    /**
     * A token from the setting's resolved value.
     *
     * @param value the token; empty or blank means none
     * @return the token, or {@link #NONE}
     * @throws IllegalArgumentException when the token is shorter than {@link #MIN_LENGTH} characters or holds
     *                                  whitespace; the message names the setting, never the value
     */
    public static HttpToken of(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String t = value.strip();
        if (t.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("flowexport.http.token: the token holds whitespace; use one word of "
                    + "random characters, e.g. the output of `openssl rand -hex 32`");
        }
        if (t.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("flowexport.http.token: the token has " + t.length()
                    + " characters; use at least " + MIN_LENGTH + " random ones, e.g. the output of "
                    + "`openssl rand -hex 32`");
        }
        return new HttpToken(t);
    }

    /** True when a token is set. */
    public boolean isSet() {
        return value != null;
    }

    /**
     * Whether a request's {@code Authorization} header carries this token ({@code Bearer <token>}, the scheme's
     * case ignored). In constant time with respect to the token's bytes.
     *
     * @param authorization the header's value, or null when the request has none
     * @return true when no token is set, or the header carries it
     */
    public boolean accepts(String authorization) {
        if (value == null) {
            return true;
        }
        if (authorization == null || authorization.length() < BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(BEARER.length()).strip()));
    }

    /**
     * The {@code Authorization} header value that carries this token, for a client of the API ({@code status}).
     *
     * @return {@code Bearer <token>}, or null when no token is set
     */
    public String authorization() {
        return value == null ? null : BEARER + value;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@code ****} when a token is set, else {@code none}: never the token. */
    @Override
    public String toString() {
        return value == null ? "none" : "****";
    }
}
