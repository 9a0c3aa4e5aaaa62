package io.mrm.events.operator;

/** The safety rules checked before an automatic decision; a manual request may override them. */
public enum SafetyRule {
    /** The region to switch to is healthy. */
    STANDBY_HEALTHY,
    /** Not both regions are down (then fail safe: alert, do not switch). */
    NOT_BOTH_DOWN,
    /** No failover within the hold-down period after the previous one. */
    HOLD_DOWN,
    /** At most N automatic failovers per window. */
    MAX_FAILOVERS_PER_WINDOW,
    /** The application is not frozen by an operator. */
    NOT_FROZEN,
    /**
     * A FORCED switch (which skips the drain and the orderly demotion of the region being left) is
     * only for a source region that is down; with a healthy source it needs this override.
     */
    SOURCE_DOWN,
    /**
     * The region to switch to is ready: no actuator's read-only check of a step on that region says it
     * would fail (see the readiness reports).
     */
    TARGET_READY,
    /**
     * No pre-flight hook vetoes the switch. Overridden (break-glass), a veto is recorded with an alert and the
     * plan goes on.
     */
    PREFLIGHT_VETO
}
