package io.flowexport.run;

import java.util.EnumSet;
import java.util.Set;

/**
 * The stages of a run, in order, with the moves allowed between them ({@link FlowRun#advance}):
 * <pre>
 * BEGUN -> PREPARED -> STAGED -> HANDED_OVER -> COMMITTED
 *            |           \--------------------> COMMITTED   (nothing new: no file is handed over)
 *            \------------------> HANDED_OVER               (a pending delivery: its kept file is re-sent)
 * any stage before COMMITTED -> FAILED;  PREPARED, STAGED -> BEGUN only by {@link FlowRun#retry}
 * </pre>
 */
public enum RunStage {
    /** The run holds its flow's run slot; nothing is read yet. */
    BEGUN,
    /** Dataset, watermark and query are known ({@link Prepared}). */
    PREPARED,
    /** The export file is complete in its staging place, hidden from readers. */
    STAGED,
    /** The run intent is recorded and destinations are receiving the file: never exported again. */
    HANDED_OVER,
    /** The state store has the run's outcome (watermark moved, intent forgotten). */
    COMMITTED,
    /** The run failed; its staged file is deleted, the watermark stays. */
    FAILED;

    /** True from {@link #HANDED_OVER} on: a failure now is not a source failure to retry. */
    public boolean handedOver() {
        return this == HANDED_OVER || this == COMMITTED;
    }

    boolean canGo(RunStage next) {
        return next(this).contains(next);
    }

    private static Set<RunStage> next(RunStage s) {
        return switch (s) {
            case BEGUN -> EnumSet.of(PREPARED, FAILED);
            case PREPARED -> EnumSet.of(STAGED, HANDED_OVER, FAILED);
            case STAGED -> EnumSet.of(HANDED_OVER, COMMITTED, FAILED);
            case HANDED_OVER -> EnumSet.of(COMMITTED, FAILED);
            case COMMITTED, FAILED -> EnumSet.noneOf(RunStage.class);
        };
    }
}
