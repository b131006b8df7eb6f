package io.flowexport.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Several {@link RunListener}s as one, told in order. */
public final class RunListeners implements RunListener {

    private final List<RunListener> listeners;

    /** @param listeners told in this order */
    public RunListeners(List<RunListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * The listeners on the class path ({@code META-INF/services/io.flowexport.run.RunListener}); none in the
     * runner's own jar.
     *
     * @throws java.util.ServiceConfigurationError when a listener named there cannot be loaded: a broken listener
     *                                             stops the start instead of vanishing
     */
    public static RunListeners discovered() {
        List<RunListener> found = new ArrayList<>();
        ServiceLoader.load(RunListener.class).forEach(found::add);
        return new RunListeners(found);
    }

    /** How many listeners there are. */
    public int size() {
        return listeners.size();
    }

    @Override
    public void staged(FlowRun run, Path file) {
        listeners.forEach(l -> l.staged(run, file));
    }

    @Override
    public void renamed(String flowId, Path target) {
        listeners.forEach(l -> l.renamed(flowId, target));
    }

    @Override
    public void delivered(FlowRun run) {
        listeners.forEach(l -> l.delivered(run));
    }

    @Override
    public void committing(FlowRun run) {
        listeners.forEach(l -> l.committing(run));
    }

    @Override
    public void deliveredTo(FlowRun run, io.flowexport.destination.Delivered outcome, boolean redelivery) {
        listeners.forEach(l -> l.deliveredTo(run, outcome, redelivery));
    }

    @Override
    public void sourceRetry(FlowRun run, int attempt) {
        listeners.forEach(l -> l.sourceRetry(run, attempt));
    }

    /** These listeners and then {@code more}. */
    public RunListeners and(RunListener more) {
        List<RunListener> all = new ArrayList<>(listeners);
        all.add(more);
        return new RunListeners(all);
    }
}
