package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthStatus;
import java.time.Duration;

/**
 * What one probe saw.
 *
 * @param status  UP, DEGRADED or DOWN
 * @param latency how long the probe took until it had its answer (also for failures), or null if unknown
 * @param detail  a short explanation for operators, e.g. {@code HTTP 503, expected 200-399}; never credentials
 */
public record ProbeResult(HealthStatus status, Duration latency, String detail) {

    public ProbeResult {
        Require.present("status", status);
        if (latency != null && latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
    }

    public static ProbeResult up(Duration latency, String detail) {
        return new ProbeResult(HealthStatus.UP, latency, detail);
    }

    public static ProbeResult down(Duration latency, String detail) {
        return new ProbeResult(HealthStatus.DOWN, latency, detail);
    }

    /** Answering, but not as it should (e.g. a replication backlog over its threshold). */
    public static ProbeResult degraded(Duration latency, String detail) {
        return new ProbeResult(HealthStatus.DEGRADED, latency, detail);
    }
}
