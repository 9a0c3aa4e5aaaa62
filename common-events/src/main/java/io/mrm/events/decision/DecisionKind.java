package io.mrm.events.decision;

public enum DecisionKind {
    AUTOMATIC_FAILOVER,
    MANUAL_FAILOVER,
    FAILBACK,
    REPROTECT,
    /**
     * A rehearsal of a switch: the real plan, every step a rehearsal (see {@code StepRef#rehearsal}); no epoch
     * is raised, nothing is switched, and a real outage cancels it.
     */
    DRILL
}
