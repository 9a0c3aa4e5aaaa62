package io.mrm.aem.domain;

import java.time.Duration;

/**
 * How long the actuator waits for the broker, and how it fences role changes.
 *
 * @param pollInterval      pause between two reads while waiting for a role, a drain or a fence
 * @param roleChangeTimeout how long a set-role waits for the new role to be observed
 * @param drainMaxWait      how long a drain waits for the replication queue to empty
 * @param verifyTimeout     bound on the verify step's publish-and-receive check
 * @param ackMargin         kept free before a command's deadline, so the acknowledgement arrives in time
 * @param brokerFencing     keep fence marks on the broker (see {@link RoleFence}); off, only this
 *                          instance's in-memory epoch fence applies
 * @param intentLease       an intent older than this is taken as left by a crashed actuator; an
 *                          actuator stops short of writing once its own intent is this old
 * @param requestTimeout    bound on one broker request (a write must be answered within the lease)
 */
public record ActuatorLimits(
        Duration pollInterval,
        Duration roleChangeTimeout,
        Duration drainMaxWait,
        Duration verifyTimeout,
        Duration ackMargin,
        boolean brokerFencing,
        Duration intentLease,
        Duration requestTimeout) {

    public ActuatorLimits {
        positive("pollInterval", pollInterval);
        positive("roleChangeTimeout", roleChangeTimeout);
        positive("drainMaxWait", drainMaxWait);
        positive("verifyTimeout", verifyTimeout);
        positive("intentLease", intentLease);
        positive("requestTimeout", requestTimeout);
        if (ackMargin == null || ackMargin.isNegative()) {
            throw new IllegalArgumentException("ackMargin must be zero or positive");
        }
        if (intentLease.compareTo(requestTimeout.multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("intentLease (" + intentLease + ") must exceed twice requestTimeout ("
                    + requestTimeout + "): a holder must be able to write and hear back within its lease");
        }
    }

    private static void positive(String field, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
