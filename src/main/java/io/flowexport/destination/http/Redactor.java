package io.flowexport.destination.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Masks secret values wherever text leaves this package: messages, log lines, and response excerpts (a server may
 * echo a token back). Messages are built without secrets in the first place; this catches what an exception
 * message or a server says.
 */
final class Redactor {

    /** Shorter values are not masked: masking "json" or "1" everywhere would garble messages and hide nothing. */
    private static final int MIN_LENGTH = 4;

    private final List<String> secrets = new ArrayList<>();

    Redactor(HttpSettings settings) {
        settings.headers().values().forEach(this::add);
        Headers.of(settings.auth()).values().forEach(this::add);
        if (settings.auth() instanceof Auth.Bearer b) {
            add(b.token());
        } else if (settings.auth() instanceof Auth.Basic b) {
            add(b.password());
        } else if (settings.auth() instanceof Auth.ApiKey k) {
            add(k.value());
        }
        add(settings.trustStorePassword());
        // longest first, so that a secret containing another one is masked whole
        secrets.sort(Comparator.comparingInt(String::length).reversed());
    }

    private void add(String value) {
        if (value != null && value.length() >= MIN_LENGTH) {
            secrets.add(value);
        }
    }

    /** The text with every secret replaced by {@code ***}; null stays null. */
    String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "***");
        }
        return masked;
    }
}
