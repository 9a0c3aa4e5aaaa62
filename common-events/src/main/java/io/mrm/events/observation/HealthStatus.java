package io.mrm.events.observation;

/** What a probe saw. DEGRADED counts as up for failover purposes but is reported. */
public enum HealthStatus {
    UP,
    DEGRADED,
    DOWN
}
