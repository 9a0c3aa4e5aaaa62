package io.mrm.decision.domain;

import io.mrm.events.topology.FenceDuty;
import java.time.Instant;

/**
 * A fence of a region that a forced failover left unfenced, tried again until it succeeds.
 *
 * @param duty            what to fence, and the decision that left it
 * @param stepIndex       the best-effort step of that decision's plan this continues (commands carry it)
 * @param attempts        attempts so far (the plan's included)
 * @param epoch           the epoch the attempt in flight carries (0: none in flight)
 * @param attemptDeadline when the attempt in flight counts as failed (null: none in flight)
 * @param nextAttemptAt   when to try again if nothing is in flight
 * @param lastDetail      what the latest attempt answered
 */
public record PendingFence(
        FenceDuty duty,
        int stepIndex,
        int attempts,
        long epoch,
        Instant attemptDeadline,
        Instant nextAttemptAt,
        String lastDetail) {

    boolean inFlight() {
        return attemptDeadline != null;
    }

    boolean sameFence(PendingFence other) {
        return duty.action() == other.duty.action() && duty.region().equals(other.duty.region());
    }
}
