package io.flowexport.destination.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Endpoint;

/** {@link HttpDelivery#check}: one HEAD request with the configured headers and auth, no body, no retry. */
final class Probe {

    private final HttpCall call;

    Probe(HttpCall call) {
        this.call = call;
    }

    CheckOutcome check(HttpSettings settings) {
        Redactor redactor = new Redactor(settings);
        Endpoint endpoint;
        try {
            endpoint = call.endpoint(settings);
        } catch (SetupException e) {
            return new CheckOutcome(false, redactor.mask(e.getMessage()));
        }
        Map<String, String> headers = new LinkedHashMap<>(settings.headers());
        headers.putAll(Headers.of(settings.auth()));
        Reply reply = call.execute(endpoint, "HEAD", settings.url(), headers, null);
        return new CheckOutcome(reply.status() != null && reachable(reply.status()),
                redactor.mask(message(settings, reply)));
    }

    /** Anything but a refusal of the credentials or a failing server means the endpoint is there for us. */
    private static boolean reachable(int status) {
        return status != 401 && status != 403 && (status < 500 || status == 501);
    }

    private static String message(HttpSettings settings, Reply reply) {
        if (reply.status() == null) {
            Problem p = Problem.of(reply.failure());
            return "unreachable: " + p.what() + (p.advice() == null ? "" : ": " + p.advice()) + " (" + settings.url()
                    + "; " + p.detail() + ")";
        }
        int status = reply.status();
        String onHead = "(" + reply.statusLine() + " on HEAD " + settings.url() + ")";
        if (status == 401 || status == 403) {
            return "not authorised: " + reply.statusLine() + " on HEAD with " + Headers.describe(settings.auth())
                    + "; " + Headers.advice(settings.auth());
        }
        if (status >= 500 && status != 501) {
            return "reachable but failing " + onHead + ": deliveries would be retried and may fail";
        }
        if (status >= 300 && status < 400) {
            return "reachable, but redirected " + onHead + (reply.location() == null ? "" : " to "
                    + reply.location()) + ": deliveries do not follow redirects, set url to the final address";
        }
        if (status >= 200 && status < 300 || status == 404 || status == 405 || status == 501) {
            return (settings.auth() instanceof Auth.None ? "reachable " : "reachable and authorised ") + onHead;
        }
        return "reachable " + onHead + "; the credentials were not refused, but the server answers HEAD with "
                + status;
    }
}
