package io.flowexport.destination.http;

import org.apache.hc.core5.http.HttpEntity;

/**
 * One request body of a delivery.
 *
 * @param index       chunk number, from 0 in file order
 * @param firstRecord number of the chunk's first record, from 1; 0 for the whole file
 * @param records     records in the chunk; 0 for the whole file
 * @param body        the body with its content type; repeatable, so every attempt sends it again
 */
record Chunk(int index, long firstRecord, int records, HttpEntity body) {

    boolean wholeFile() {
        return firstRecord == 0;
    }

    /** {@code the file (chunk 0)} or {@code chunk 3 (records 10-12)}. */
    String describe() {
        if (wholeFile()) {
            return "the file (chunk 0)";
        }
        long last = firstRecord + records - 1;
        return "chunk " + index + " (record" + (records == 1 ? " " + firstRecord : "s " + firstRecord + "-" + last)
                + ")";
    }
}
