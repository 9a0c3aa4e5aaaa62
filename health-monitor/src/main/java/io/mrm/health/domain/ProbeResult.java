package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthStatus;
import java.time.Duration;

/**
 * What one probe saw — or that the target was not probed at all.
 *
 * @param status    UP, DEGRADED or DOWN; null only when not probed
 * @param latency   how long the probe took until it had its answer (also for failures), or null if unknown
 * @param detail    a short explanation for operators, e.g. {@code HTTP 503, expected 200-399}; never credentials
 * @param notProbed the monitor did not get to probe the target (its own earlier check is still stuck, its
 *                  lane is full): that says nothing about the target, so it is never published as DOWN —
 *                  counted and logged instead, and the engine sees the target's reports age into unknown
 */
public record ProbeResult(HealthStatus status, Duration latency, String detail, boolean notProbed) {

    public ProbeResult {
        if (notProbed) {
            if (status != null) {
                throw new IllegalArgumentException("a target that was not probed has no status, was " + status);
            }
        } else {
            Require.present("status", status);
        }
        if (latency != null && latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
    }

    public ProbeResult(HealthStatus status, Duration latency, String detail) {
        this(status, latency, detail, false);
    }

    /** The monitor could not probe the target this time; {@code why} names the monitor's own trouble. */
    public static ProbeResult notProbed(String why) {
        return new ProbeResult(null, null, why, true);
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
