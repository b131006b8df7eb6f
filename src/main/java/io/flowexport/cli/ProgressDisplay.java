package io.flowexport.cli;

import io.flowexport.run.RunProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * run-once's progress line: while a flow's run lasts longer than {@link #DELAY}, one line on stderr
 * ({@link ProgressLine}) rewritten every {@link #REFRESH_MILLIS} ms by an indeterminate
 * {@code me.tongfei.progressbar} bar (the total rows is not known beforehand), and erased when the run ends, before
 * run-once prints the flow's result line on stdout. Shown only when stderr is a terminal; otherwise (output to a
 * file or a pipe, {@code --no-progress}) this prints nothing at all.
 */
final class ProgressDisplay implements AutoCloseable {

    /** How long a run goes on before its progress line appears: short runs print nothing extra. */
    static final Duration DELAY = Duration.ofSeconds(2);
    /** How often the line is rewritten, milliseconds. */
    static final int REFRESH_MILLIS = 250;

    private final PrintStream err;
    private final ScheduledExecutorService timer;

    private ProgressDisplay(PrintStream err, ScheduledExecutorService timer) {
        this.err = err;
        this.timer = timer;
    }

    /**
     * A display on {@code err} when {@code wanted} and {@link #onTerminal()}; else one that shows nothing.
     *
     * @param wanted false for {@code --no-progress}
     */
    static ProgressDisplay open(boolean wanted, PrintStream err) {
        if (!wanted || !onTerminal()) {
            return new ProgressDisplay(err, null);
        }
        return new ProgressDisplay(err, Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flowexport-progress");
            t.setDaemon(true);
            return t;
        }));
    }

    /**
     * Whether stderr is a terminal: {@link System#console()} (stdin and stdout are terminals) and, where
     * {@code /proc} tells, file descriptor 2 is a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}), so that a
     * stderr redirected to a file gets no progress lines even when stdout is a terminal.
     */
    static boolean onTerminal() {
        if (System.console() == null) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (!Files.exists(fd2, LinkOption.NOFOLLOW_LINKS)) {
            return true; // no /proc (not Linux): System.console() is all there is to go by
        }
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether this display shows anything. */
    boolean enabled() {
        return timer != null;
    }

    /**
     * Starts following one flow's run: its line appears after {@link #DELAY} unless {@link Shown#close()} came
     * first.
     *
     * @param flowId   the flow, first on the line
     * @param progress the run's progress now, or empty while its run has not begun (or has ended)
     * @return what to close when the run has ended, before printing its result line
     */
    Shown show(String flowId, Supplier<Optional<RunProgress>> progress) {
        Shown shown = new Shown(flowId, progress);
        if (timer != null) {
            shown.start = timer.schedule(shown::appear, DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return shown;
    }

    /** Stops the display's thread. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** One flow's line, from {@link #show} until {@link #close()}. */
    final class Shown implements AutoCloseable {
        private final String flowId;
        private final Supplier<Optional<RunProgress>> progress;
        private final long begun = System.nanoTime();
        private ScheduledFuture<?> start;
        private ProgressBar bar;
        private boolean closed;
        private volatile RunProgress last;

        private Shown(String flowId, Supplier<Optional<RunProgress>> progress) {
            this.flowId = flowId;
            this.progress = progress;
        }

        private synchronized void appear() {
            if (closed) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(flowId)
                    .setInitialMax(-1) // indeterminate: the rows of a run are known only at its end
                    .setUpdateIntervalMillis(REFRESH_MILLIS)
                    .continuousUpdate()
                    .setRenderer((state, width) -> ProgressLine.format(flowId, now()))
                    .setConsumer(new Line(err))
                    .clearDisplayOnFinish()
                    .build();
        }

        /** The run's progress now; the last seen once its run has ended (it is no longer in progress). */
        private RunProgress now() {
            RunProgress p = progress.get().orElse(null);
            if (p != null) {
                last = p;
                return p;
            }
            RunProgress seen = last;
            return seen != null ? seen : RunProgress.none(Duration.ofNanos(System.nanoTime() - begun));
        }

        /** Erases the line (if it appeared) and stops following the run. Returns once the line is gone. */
        @Override
        public synchronized void close() {
            closed = true;
            if (start != null) {
                start.cancel(false);
            }
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    /**
     * Writes the line over itself: carriage return, the line cut to the terminal's width, erase to the end of the
     * line; clearing leaves the cursor at the start of an empty line, so the next output starts there.
     */
    private static final class Line extends ConsoleProgressBarConsumer {
        private final PrintStream out;

        Line(PrintStream out) {
            super(out);
            this.out = out;
        }

        @Override
        public void accept(String line) {
            int width = getMaxRenderedLength();
            String shown = width > 0 && line.length() > width ? line.substring(0, width) : line;
            out.print("\r" + shown + "\033[K");
            out.flush();
        }

        @Override
        public void clear() {
            out.print("\r\033[K");
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
