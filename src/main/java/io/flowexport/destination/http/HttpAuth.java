package io.flowexport.destination.http;

import io.flowexport.flow.SecretValue;

/** How an HTTP destination authenticates, as the flow says; secrets are references. */
public sealed interface HttpAuth {
    /** No authentication. */
    record None() implements HttpAuth {
    }

    /** {@code Authorization: Bearer <token>}. */
    record Bearer(SecretValue token) implements HttpAuth {
    }

    /** {@code Authorization: Basic base64(username:password)}. */
    record Basic(String username, SecretValue password) implements HttpAuth {
    }

    /** An API key in a header of the given name. */
    record ApiKey(String header, SecretValue value) implements HttpAuth {
    }
}
