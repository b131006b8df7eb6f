package io.flowexport.destination.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hc.core5.http.impl.EnglishReasonPhraseCatalog;

/**
 * What one HTTP request got back: a response, or the exception that stands for none.
 *
 * @param status     HTTP status, null when there was no response
 * @param reason     reason phrase (the standard one when the server sent none), null when there was no response
 * @param retryAfter the raw {@code Retry-After} header, null when absent
 * @param location   the raw {@code Location} header, null when absent
 * @param body       the first {@link ClientPolicy#BODY_LIMIT} bytes of the body, empty when none
 * @param failure    the exception, null when there was a response
 */
record Reply(Integer status, String reason, String retryAfter, String location, byte[] body, Exception failure) {

    static Reply response(int status, String reason, String retryAfter, String location, byte[] body) {
        String phrase = reason == null || reason.isBlank()
                ? EnglishReasonPhraseCatalog.INSTANCE.getReason(status, null) : reason;
        return new Reply(status, phrase, retryAfter, location, body == null ? new byte[0] : body, null);
    }

    static Reply failure(Exception e) {
        return new Reply(null, null, null, null, new byte[0], e);
    }

    boolean acknowledged() {
        return status != null && status >= 200 && status < 300;
    }

    /** The first 1024 bytes of the body as UTF-8 (a character cut at the end decodes as U+FFFD), null if empty. */
    String excerpt() {
        if (body.length == 0) {
            return null;
        }
        return new String(Arrays.copyOf(body, Math.min(body.length, ClientPolicy.BODY_LIMIT)), StandardCharsets.UTF_8);
    }

    /** {@code HTTP 503 Service Unavailable}. */
    String statusLine() {
        return "HTTP " + status + (reason == null ? "" : " " + reason);
    }
}
