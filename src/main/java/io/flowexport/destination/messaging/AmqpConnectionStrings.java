package io.flowexport.destination.messaging;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the parts of an Event Hubs or Service Bus connection string that flow-export checks before the SDK uses it
 * ({@code Endpoint}, {@code EntityPath}, {@code UseDevelopmentEmulator}); never the key. Messages name the parts,
 * never the string.
 */
public final class AmqpConnectionStrings {

    private AmqpConnectionStrings() {
    }

    /** A connection string that does not fit its destination; the message names the part, never the string. */
    static final class Mismatch extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    /** The namespace's host, {@code <namespace>.servicebus.windows.net}, for token credentials. */
    public static String host(MessagingSpec d) {
        return d.namespace() + ".servicebus.windows.net";
    }

    /** The {@code key=value} parts, keys lower-cased. */
    static Map<String, String> parts(String connectionString) {
        Map<String, String> parts = new TreeMap<>();
        for (String p : connectionString.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                parts.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
            }
        }
        return parts;
    }

    /**
     * Checks that a connection string is for the destination's namespace and entity: its {@code Endpoint} host is
     * {@code <namespace>.<cloud suffix>} (or a local emulator, {@code UseDevelopmentEmulator=true}), and its
     * {@code EntityPath}, when present, is the destination's entity.
     *
     * @throws Mismatch saying which part does not fit and what to do
     */
    public static void check(String connectionString, MessagingSpec d) {
        Map<String, String> parts = parts(connectionString);
        String endpoint = parts.get("endpoint");
        boolean signed = parts.get("sharedaccesskeyname") != null || parts.get("sharedaccesssignature") != null;
        if (endpoint == null || !signed) {
            throw new Mismatch("the connection string is not an Event Hubs or Service Bus connection "
                    + "string (Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...); copy it from a shared "
                    + "access policy of the namespace or entity");
        }
        String host;
        try {
            host = URI.create(endpoint).getHost();
        } catch (IllegalArgumentException e) {
            host = null;
        }
        if (host == null) {
            throw new Mismatch("the connection string's Endpoint is not a URL like "
                    + "sb://<namespace>.servicebus.windows.net/");
        }
        boolean emulator = "true".equalsIgnoreCase(parts.get("usedevelopmentemulator"));
        if (!emulator && !host.toLowerCase(Locale.ROOT).startsWith(d.namespace().toLowerCase(Locale.ROOT) + ".")) {
            throw new Mismatch("the connection string is for host '" + host + "', not namespace '"
                    + d.namespace() + "': set namespace to match it, or use the namespace's connection string");
        }
        String entityPath = parts.get("entitypath");
        if (entityPath != null && !entityPath.equals(d.entity())) {
            throw new Mismatch("the connection string is for entity '" + entityPath + "' (its "
                    + "EntityPath), not '" + d.entity() + "': use that entity's or the namespace's connection string");
        }
    }

    /** No SDK retries: one try of at most {@code timeout}; the connector owns retries and backoff. */
    public static com.azure.core.amqp.AmqpRetryOptions retry(java.time.Duration timeout) {
        return new com.azure.core.amqp.AmqpRetryOptions().setMode(com.azure.core.amqp.AmqpRetryMode.FIXED)
                .setMaxRetries(0).setTryTimeout(timeout);
    }
}
