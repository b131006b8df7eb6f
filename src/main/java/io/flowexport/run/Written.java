package io.flowexport.run;

/**
 * What the export wrote into the staged file.
 *
 * @param rows       rows written
 * @param firstBatch the lowest batch id read, or null (no rows, or a dataset without batches)
 * @param lastBatch  the highest batch id read, or null
 */
record Written(long rows, Long firstBatch, Long lastBatch) {
}
