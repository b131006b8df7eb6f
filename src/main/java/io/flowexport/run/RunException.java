package io.flowexport.run;

/** A run failed; the message names the flow, the step and what to do. Nothing was published. */
public class RunException extends RuntimeException {
    public RunException(String message, Throwable cause) {
        super(message, cause);
    }
}
