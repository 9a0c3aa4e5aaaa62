package io.mrm.events.decision;

public enum AlertSeverity {
    INFO,
    WARNING,
    CRITICAL
}
