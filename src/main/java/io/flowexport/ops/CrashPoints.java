package io.flowexport.ops;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Named stages of a run where the crash tests stop the JVM dead, as SIGKILL would: no shutdown hook, no
 * {@code finally}, no flush. Off unless the system property {@code flowexport.crash.at} names one or more stages
 * (comma-separated); {@code flowexport.crash.flow} limits it to the runs of one flow. For tests and drills only.
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
public final class CrashPoints {

    /** The system property naming the stages to crash at. */
    public static final String PROPERTY = "flowexport.crash.at";
    /** The system property limiting the crash to one flow's runs. */
    public static final String FLOW_PROPERTY = "flowexport.crash.flow";
    /** The exit status of a crash: 128 + SIGKILL's 9, as the shell reports a killed process. */
    public static final int EXIT_STATUS = 137;

    /** A stage of a run. */
    public enum Stage {
        AFTER_WRITE, DURING_RENAME, AFTER_PUBLISH, BEFORE_COMMIT;

        /** The stage's name in {@code flowexport.crash.at}, e.g. {@code after-write}. */
        public String property() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private CrashPoints() {
    }

    /**
     * Halts the JVM at once (exit status {@link #EXIT_STATUS}) when {@code stage} is one of the stages named by
     * {@code flowexport.crash.at} and the run's flow matches {@code flowexport.crash.flow} (when set); otherwise
     * does nothing.
     *
     * @param stage  the stage the run has reached
     * @param flowId the run's flow
     */
    public static void reach(Stage stage, String flowId) {
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
