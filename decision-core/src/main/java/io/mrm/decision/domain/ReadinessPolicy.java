package io.mrm.decision.domain;

import java.time.Duration;

/**
 * How the actuators' readiness reports bear on switches.
 *
 * @param required      false turns the rule off: readiness is still shown, never blocks
 * @param maxAge        a check older than this counts as UNKNOWN (an actuator that stopped reporting
 *                      must not keep a region READY)
 * @param unknownBlocks an UNKNOWN target blocks an automatic failover too (by default it proceeds, and the
 *                      decision says so: an unreachable checker must not stop a failover)
 */
public record ReadinessPolicy(boolean required, Duration maxAge, boolean unknownBlocks) {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    public static final ReadinessPolicy DEFAULTS = new ReadinessPolicy(true, DEFAULT_MAX_AGE, false);

    public ReadinessPolicy {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("readiness.max-age must be positive, was " + maxAge);
        }
    }
}
