package io.mrm.events.topology;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;

/**
 * A fence of a region that a forced failover left without being able to fence it (its event broker
 * may still be active, its database writable): the engine retries it until it succeeds, and runs it
 * before any re-protect or failback towards that region.
 *
 * @param action     EVENTS_SET_STANDBY or DATA_FENCE
 * @param region     the region to fence
 * @param decisionId the forced failover that left it
 */
public record FenceDuty(StepAction action, String region, String decisionId) {

    public FenceDuty {
        Require.present("action", action);
        if (action != StepAction.EVENTS_SET_STANDBY && action != StepAction.DATA_FENCE) {
            throw new IllegalArgumentException("a fence duty is EVENTS_SET_STANDBY or DATA_FENCE, not " + action);
        }
        Require.name("region", region);
        Require.id("decisionId", decisionId);
    }
}
