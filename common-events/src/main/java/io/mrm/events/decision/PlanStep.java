package io.mrm.events.decision;

import io.mrm.events.Require;

/**
 * One step of a decision's plan.
 *
 * @param index       position in the plan, from 0
 * @param action      what the step does (which also names the actuator)
 * @param region      the region the action applies to
 * @param peerRegion  the other region, for actions between two (drain, re-protect); else null
 * @param timeoutMs   how long one attempt may take before it counts as failed
 * @param maxAttempts attempts before the plan pauses on this step
 */
public record PlanStep(int index, StepAction action, String region, String peerRegion, long timeoutMs,
                       int maxAttempts) {

    public PlanStep {
        Require.atLeast("index", index, 0);
        Require.present("action", action);
        Require.name("region", region);
        Require.optionalName("peerRegion", peerRegion);
        Require.different("peerRegion", peerRegion, "region", region);
        Require.atLeast("timeoutMs", timeoutMs, 1);
        Require.atLeast("maxAttempts", maxAttempts, 1);
    }

    public Actuator actuator() {
        return action.actuator();
    }
}
