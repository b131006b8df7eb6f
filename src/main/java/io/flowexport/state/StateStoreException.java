package io.flowexport.state;

/** The state store could not be read or written; the message names the store and the flow. */
public class StateStoreException extends RuntimeException {
    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
