package io.flowexport.destination.http;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * An exception that stood for a response, explained: what happened in words, what to do, whether another attempt
 * may succeed.
 *
 * @param what      e.g. {@code connection refused}, {@code certificate not trusted}
 * @param detail    the exception that says so, {@code SimpleName: message}
 * @param advice    what to do, or null when retrying is all there is to it
 * @param retryable true for connection errors and timeouts; false for TLS, unknown hosts, unreadable files and
 *                  anything unexpected
 */
record Problem(String what, String detail, String advice, boolean retryable) {

    static Problem of(Throwable failure) {
        Throwable t;
        if ((t = find(failure, SSLPeerUnverifiedException.class::isInstance)) != null) {
            return new Problem("certificate does not match the host", t, "use the host name the certificate was "
                    + "issued for in url", false);
        }
        if ((t = find(failure, CertificateExpiredException.class::isInstance)) != null) {
            return new Problem("certificate expired", t, "renew the server's certificate", false);
        }
        if ((t = find(failure, e -> e instanceof CertPathBuilderException
                || e instanceof CertPathValidatorException)) != null) {
            Throwable ssl = find(failure, SSLException.class::isInstance);
            return new Problem("certificate not trusted", ssl == null ? t : ssl, "add the server's CA to trust_store",
                    false);
        }
        if ((t = find(failure, SSLException.class::isInstance)) != null) {
            return new Problem("TLS handshake failed", t, "check that the server speaks TLS at this address and "
                    + "its certificate", false);
        }
        if ((t = find(failure, UnknownHostException.class::isInstance)) != null) {
            return new Problem("unknown host", t, "check the host in url", false);
        }
        if ((t = find(failure, e -> e instanceof FileNotFoundException || e instanceof NoSuchFileException)) != null) {
            return new Problem("export file unreadable", t, null, false);
        }
        if ((t = find(failure, ConnectTimeoutException.class::isInstance)) != null) {
            return new Problem("connect timeout", t, null, true);
        }
        if ((t = find(failure, ConnectException.class::isInstance)) != null) {
            return new Problem("connection refused", t, null, true);
        }
        if ((t = find(failure, SocketTimeoutException.class::isInstance)) != null) {
            return new Problem("no response within readTimeout", t, null, true);
        }
        if ((t = find(failure, NoHttpResponseException.class::isInstance)) != null) {
            return new Problem("empty response", t, null, true);
        }
        if ((t = find(failure, e -> e instanceof SocketException || e instanceof ConnectionClosedException)) != null) {
            return new Problem("connection lost", t, null, true);
        }
        if ((t = find(failure, IOException.class::isInstance)) != null) {
            return new Problem("I/O error", t, null, true);
        }
        return new Problem("unexpected error", failure, null, false);
    }

    private Problem(String what, Throwable t, String advice, boolean retryable) {
        this(what, t.getClass().getSimpleName() + ": " + t.getMessage(), advice, retryable);
    }

    /** The outermost exception in the cause chain that matches. */
    private static Throwable find(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return t;
            }
        }
        return null;
    }
}
