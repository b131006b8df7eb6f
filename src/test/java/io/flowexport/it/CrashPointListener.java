package io.flowexport.it;

import io.flowexport.run.FlowRun;
import io.flowexport.run.RunListener;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The crash tests' hook: halts the JVM dead, as SIGKILL would (no shutdown hook, no {@code finally}, no flush), at
 * named moments of a run. The tests wire it in by putting the test classes on the child runner's class path
 * ({@code META-INF/services/io.flowexport.run.RunListener}, see {@link ChildJvm}); production code has no crash
 * point. Off unless the system property {@code flowexport.crash.at} names one or more stages (comma-separated);
 * {@code flowexport.crash.flow} limits it to the runs of one flow.
 *
 * <p>Stages, in the order a run reaches them:
 * <ul>
 *   <li>{@code after-write}: the staged file is complete; nothing was delivered yet;</li>
 *   <li>{@code during-rename}: a file destination's target was renamed into place, before its directory was
 *       synced and before the run recorded anything;</li>
 *   <li>{@code after-publish}: every destination has the file; the run has not recorded that yet;</li>
 *   <li>{@code before-commit}: just before the watermark moves in the state store.</li>
 * </ul>
 */
public final class CrashPointListener implements RunListener {

    /** The system property naming the stages to crash at. */
    public static final String PROPERTY = "flowexport.crash.at";
    /** The system property limiting the crash to one flow's runs. */
    public static final String FLOW_PROPERTY = "flowexport.crash.flow";
    /** The exit status of a crash: 128 + SIGKILL's 9, as the shell reports a killed process. */
    public static final int EXIT_STATUS = 137;

    /** A stage of a run. */
    enum Stage {
        AFTER_WRITE, DURING_RENAME, AFTER_PUBLISH, BEFORE_COMMIT;

        String property() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Override
    public void staged(FlowRun run, Path file) {
        reach(Stage.AFTER_WRITE, run.flow().id());
    }

    @Override
    public void renamed(String flowId, Path target) {
        reach(Stage.DURING_RENAME, flowId);
    }

    @Override
    public void delivered(FlowRun run) {
        reach(Stage.AFTER_PUBLISH, run.flow().id());
    }

    @Override
    public void committing(FlowRun run) {
        reach(Stage.BEFORE_COMMIT, run.flow().id());
    }

    private static void reach(Stage stage, String flowId) {
        String at = System.getProperty(PROPERTY);
        if (at == null || at.isBlank()) {
            return;
        }
        Set<String> stages = Arrays.stream(at.split(",")).map(String::trim).collect(Collectors.toSet());
        String flow = System.getProperty(FLOW_PROPERTY);
        if (stages.contains(stage.property()) && (flow == null || flow.isBlank() || flow.equals(flowId))) {
            System.err.println("flowexport: crash point " + stage.property() + " reached by flow '" + flowId
                    + "': halting");
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
