package io.flowexport.destination.http;

/** The format of an export file as sent over HTTP, with the media type of its request bodies. */
public enum BodyFormat {
    CSV("text/csv"),
    /** A JSON array; in {@link HttpSettings.Mode#BATCHES} mode each request body is a compact array of records. */
    JSON("application/json"),
    /** JSON Lines: one record per line, each line ending in {@code \n}. */
    JSONL("application/x-ndjson"),
    PARQUET("application/vnd.apache.parquet");

    private final String contentType;

    BodyFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The {@code Content-Type} of a request body in this format, without parameters (no charset). */
    public String contentType() {
        return contentType;
    }

    /** True when the file can be split into records for {@link HttpSettings.Mode#BATCHES} mode. */
    boolean splitsIntoRecords() {
        return this == JSON || this == JSONL;
    }
}
