package io.flowexport.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * The JVM's peak heap use, printed by {@code run-once} when run with {@code -Dflowexport.report-memory=true}
 * (the benchmark reads it).
 */
final class MemoryReport {

    private MemoryReport() {
    }

    /**
     * {@code flowexport: peak heap used <MB> MB (max <MB> MB)}: the sum of every heap pool's peak use since
     * start, in MiB; an upper bound of the true peak, since pools peak at different times.
     */
    static String line() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT, "flowexport: peak heap used %.1f MB (max %.1f MB)",
                peak / 1048576.0, max / 1048576.0);
    }
}
