package io.mrm.audit;

/** Where a plan step ended, as far as the records read tell. */
public enum StepOutcome {
    /** An attempt was acknowledged SUCCEEDED. */
    SUCCEEDED,
    /** The last attempt failed (or had no acknowledgement) and the plan did not carry on with it. */
    FAILED,
    /** An operator skipped it (break-glass). */
    SKIPPED,
    /** An attempt is out, or a retry is due. */
    RUNNING,
    /** Not started yet; the plan is still running. */
    PENDING,
    /** Never started: the plan ended before it. */
    NOT_RUN
}
