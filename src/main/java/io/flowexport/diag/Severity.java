package io.flowexport.diag;

/** How bad a validation problem is: errors keep a flow from running, warnings do not. */
public enum Severity {
    ERROR,
    WARNING
}
