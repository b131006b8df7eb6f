package io.flowexport.destination;

import io.flowexport.flow.DestinationSpec;
import java.util.Map;

/**
 * One-line descriptions of destinations for {@code plan}, {@code check} and logs: {@code <type> '<name>'}, the
 * catalogue entry, then what the type's provider says. Secret references print as written ({@code ${env:NAME}}),
 * literal secrets as {@code ****}, never a value.
 */
public final class Describe {

    private Describe() {
    }

    /**
     * Describes a destination with its path or URL rendered with {@code values} (placeholders without a value
     * stay as written).
     */
    public static String destination(DestinationSpec d, Map<String, String> values) {
        String head = d.type() + " '" + d.name() + "'" + (d.ref() != null ? " (catalogue entry '" + d.ref()
                + "')" : "") + ": ";
        return head + DestinationTypes.registry().describe(d, values);
    }

    /** A URL safe to print: user info and literal values of secret-looking query parameters masked. */
    public static String url(String url) {
        String masked = url.replaceAll("//[^/@]*@", "//****@");
        return masked.replaceAll("(?i)([?&][^=&]*(key|token|secret|sig|code|password)[^=&]*=)(?!\\$\\{)[^&#]*",
                "$1****");
    }
}
