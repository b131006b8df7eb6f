package io.flowexport.destination.camel;

import io.flowexport.flow.Secrets;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.URISupport;

/** Failures of Camel endpoints as one line safe to print, and what to do about them. */
final class CamelErrors {

    private static final int MAX_CAUSES = 4;
    private static final int MAX_LENGTH = 1024;
    // a word, without the brackets, quotes and punctuation around it
    private static final Pattern WORD = Pattern.compile("([\\[{('\"]*)([^\\s\\[{('\"]+?)([)}\\]'\",;.]*)(?=\\s|$)");

    private CamelErrors() {
    }

    /**
     * The exception and its causes as {@code Type: message; caused by Type: message}, repeated messages left out,
     * at most 1 KB, masked by {@link #mask}.
     */
    static String explain(Throwable e) {
        List<String> parts = new ArrayList<>();
        String previous = null;
        for (Throwable t = e; t != null && parts.size() < MAX_CAUSES; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && previous != null && previous.contains(message)) {
                continue;
            }
            parts.add(t.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip()));
            previous = message;
        }
        String text = String.join("; caused by ", parts);
        return mask(text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "..." : text);
    }

    /** What an operator can do about a failed send, judged from the failure's causes. */
    static String todo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof UnknownHostException) {
                return "check the host name in the uri";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || m.contains("refused")) {
                return "check that the server runs and listens at the host and port of the uri";
            }
            if (t instanceof SocketTimeoutException || m.contains("timed out") || m.contains("timeout")) {
                return "check that the server is reachable from the runner (firewall, proxy) and not overloaded";
            }
            if (m.contains("publishercallbackchannel is closed") || m.contains("not_found")) {
                // RabbitMQ closes the channel on a refused publish: whether its NOT_FOUND reply or the closed
                // channel reaches the publisher first is a race, so both read the same to the operator
                return "the broker refused the message and closed the channel (NOT_FOUND: the exchange does not "
                        + "exist, or no queue is bound to the routing key; or no rights on it): create and bind "
                        + "them, or fix the uri";
            }
            if (m.contains("auth") || m.contains("password") || m.contains("login") || m.contains("denied")
                    || m.contains("not authorized") || m.contains("permission")) {
                return "check the user name and the secret the uri refers to, and the user's rights on the target";
            }
        }
        return "check the endpoint's server and the uri's options";
    }

    /**
     * Masks free text such as an exception message: Camel's {@link URISupport#sanitizeUri} on each word that holds
     * an option or a user info (sanitizeUri masks up to the next {@code &}, so it must not see the rest of a
     * sentence), then {@link Secrets#redact} on the whole, which also catches values that Camel prints outside a
     * URI (e.g. its list of unknown parameters).
     */
    static String mask(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group(2);
            String masked = word.contains("=") || word.contains("@") ? URISupport.sanitizeUri(word) : word;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked + m.group(3)));
        }
        m.appendTail(out);
        return Secrets.redact(out.toString());
    }
}
