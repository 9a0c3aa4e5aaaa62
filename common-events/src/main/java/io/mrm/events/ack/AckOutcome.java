package io.mrm.events.ack;

public enum AckOutcome {
    /** The target is in the desired state (whether or not this command changed it). */
    SUCCEEDED,
    /** Not done; trying again may work (throttling, 5xx, timeout). */
    FAILED_RETRIABLE,
    /** Not done; trying again will not help (auth, missing zone, invalid change). */
    FAILED_FATAL,
    /** Refused: the command's epoch is lower than one this actuator already saw. */
    REJECTED_STALE,
    /**
     * A pre-flight hook answered that the switch must not happen now (its reason in the detail): only a
     * PREFLIGHT_HOOK step answers so. The plan stops before anything changed.
     */
    VETOED
}
