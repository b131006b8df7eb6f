package io.flowexport.dataset;

/** The source database could not be reached or its metadata read; the message says which database and why. */
public class DatasetCatalogException extends RuntimeException {
    public DatasetCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
