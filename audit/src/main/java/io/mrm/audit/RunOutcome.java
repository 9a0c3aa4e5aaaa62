package io.mrm.audit;

/** How a failover run ended, as far as the records read tell. */
public enum RunOutcome {
    /** Every step succeeded or was skipped: the target region is active. */
    FINISHED,
    /** Stopped on a failed step; an operator must resume, skip or abort. */
    PAUSED,
    /** An operator aborted it; steps already done stay done. */
    ABORTED,
    /** A proposal an operator rejected. */
    REJECTED,
    /** A proposal the engine withdrew because the active region came back. */
    WITHDRAWN,
    /** A proposal waiting for an operator. */
    AWAITING_APPROVAL,
    /** Steps are still running. */
    RUNNING,
    /** A later decision exists but the records read do not say how this one ended. */
    UNKNOWN,
    /** A drill whose every step would have succeeded (nothing was switched). */
    DRILL_COMPLETED,
    /** A drill that found steps that would fail (nothing was switched). */
    DRILL_FAILED,
    /** A drill cancelled by a real decision or an operator (nothing was switched). */
    DRILL_CANCELLED
}
