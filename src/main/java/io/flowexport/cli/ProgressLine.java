package io.flowexport.cli;

import io.flowexport.run.RunProgress;
import java.time.Duration;
import java.util.Locale;

/**
 * The text of run-once's progress line for one flow, e.g.
 * {@code daily_orders_export  rows=1,234,567  85.3 MiB  412,345 rows/s  0:00:03}: rows so far, bytes in binary
 * units (B, KiB, MiB, GiB, TiB; one decimal above bytes), the average rate since the run began, and the elapsed
 * time as {@code h:mm:ss}.
 */
final class ProgressLine {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ProgressLine() {
    }

    /** The line for {@code flowId} at {@code p}, or, while its run has not begun, the flow and the time waited. */
    static String format(String flowId, RunProgress p) {
        return String.format(Locale.ROOT, "%s  rows=%,d  %s  %,d rows/s  %s", flowId, p.rows(), bytes(p.bytes()),
                Math.round(p.rowsPerSecond()), elapsed(p.elapsed()));
    }

    /** {@code bytes} in binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 85.3 MiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = 0;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    /** {@code d} as {@code h:mm:ss}, whole seconds. */
    static String elapsed(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
