package io.flowexport.destination.http;

import java.time.Duration;
import java.util.Locale;

/** Wording shared by messages and log lines. */
final class Texts {

    private Texts() {
    }

    /** {@code 350 ms}, {@code 2 s}, {@code 2.5 s}, {@code 3 min 20 s}, {@code 2 h 5 min}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = d.toSeconds();
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    /** {@code 1 attempt}, {@code 5 attempts}. */
    static String attempts(int n) {
        return n + (n == 1 ? " attempt" : " attempts");
    }
}
