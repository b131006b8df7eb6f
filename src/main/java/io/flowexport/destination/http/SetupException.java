package io.flowexport.destination.http;

/** A delivery cannot start: its settings point at something unusable (e.g. a trust store). Never retried. */
final class SetupException extends Exception {

    SetupException(String message) {
        super(message);
    }
}
