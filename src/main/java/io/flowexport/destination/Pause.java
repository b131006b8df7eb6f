package io.flowexport.destination;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A wait that ends early when the delivery is aborted (retry backoff of HTTP and message destinations). */
public final class Pause {

    /** Longest stretch without looking at the abort flag. */
    public static final Duration SLICE = Duration.ofMillis(100);

    private Pause() {
    }

    /**
     * Waits for the given time, checking {@code aborted} before starting and every {@link #SLICE} at most.
     *
     * @return true when the whole time passed, false when aborted (or the thread was interrupted, whose flag is kept)
     */
    public static boolean pause(Duration duration, BooleanSupplier aborted) {
        long end = System.nanoTime() + duration.toNanos();
        while (!aborted.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(left, SLICE.toNanos()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
