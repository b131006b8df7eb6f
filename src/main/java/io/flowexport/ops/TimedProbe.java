package io.flowexport.ops;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A check of something remote (a database) whose answer a health probe waits for at most a bound: load balancers
 * and Kubernetes give a probe about a second, a connection to a database that is down can take the pool's
 * timeout (10 s). One check runs at a time, on its own daemon thread; probes that come while it runs wait for the
 * same answer.
 */
final class TimedProbe {

    private final String what;
    private final Supplier<Optional<String>> check;
    private final Duration wait;
    private CompletableFuture<Optional<String>> inFlight;

    /**
     * @param what  what is checked, for the answer when it does not come in time (e.g. {@code the state store})
     * @param check empty when fine, else why not (never a secret)
     * @param wait  how long a probe waits for the answer
     */
    TimedProbe(String what, Supplier<Optional<String>> check, Duration wait) {
        this.what = what;
        this.check = check;
        this.wait = wait;
    }

    /** Empty when the check passed; else why not, including "did not answer within ...". */
    Optional<String> problem() {
        CompletableFuture<Optional<String>> f;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = new CompletableFuture<>();
                CompletableFuture<Optional<String>> mine = inFlight;
                Thread t = new Thread(() -> {
                    try {
                        mine.complete(check.get());
                    } catch (RuntimeException e) {
                        mine.complete(Optional.of(e.getMessage() == null ? e.toString() : e.getMessage()));
                    }
                }, "flowexport-health");
                t.setDaemon(true);
                t.start();
            }
            f = inFlight;
        }
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of(what + " did not answer within " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the probe was interrupted");
        } catch (ExecutionException e) {
            return Optional.of(e.getCause().toString());
        }
    }
}
