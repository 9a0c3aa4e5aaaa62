package io.mrm.events.decision;

public enum DecisionKind {
    AUTOMATIC_FAILOVER,
    MANUAL_FAILOVER,
    FAILBACK,
    REPROTECT
}
