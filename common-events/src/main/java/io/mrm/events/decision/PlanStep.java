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
 * @param parallel    runs together with the step before it: a group of such steps starts at once,
 *                    and the plan moves on when all of them are done (absent means false: the field
 *                    was added after the first version, so it is optional)
 * @param bestEffort  a fence of the region being left, added to a forced plan: it runs beside the plan
 *                    from its position on, never holds it up, and its failure does not pause the plan
 *                    (the engine keeps it as a pending duty); absent means false
 * @param hook        the configured hook a {@link StepAction#runsHook() hook step} runs (its name in the
 *                    hook actuator's configuration); absent on every other step
 */
public record PlanStep(
        int index,
        StepAction action,
        String region,
        String peerRegion,
        long timeoutMs,
        int maxAttempts,
        Boolean parallel,
        Boolean bestEffort,
        String hook) {

    public PlanStep {
        Require.atLeast("index", index, 0);
        Require.present("action", action);
        Require.name("region", region);
        Require.optionalName("peerRegion", peerRegion);
        Require.different("peerRegion", peerRegion, "region", region);
        Require.atLeast("timeoutMs", timeoutMs, 1);
        Require.atLeast("maxAttempts", maxAttempts, 1);
        parallel = Boolean.TRUE.equals(parallel);
        if (parallel && index == 0) {
            throw new IllegalArgumentException(
                    "the first step (index 0) cannot be parallel: there is no step before it");
        }
        bestEffort = Boolean.TRUE.equals(bestEffort);
        if (parallel && bestEffort) {
            throw new IllegalArgumentException("a best-effort step runs beside the plan; it cannot also be parallel");
        }
        if (action.runsHook()) {
            Require.name("hook", hook);
        } else if (hook != null) {
            throw new IllegalArgumentException(
                    "hook: only a hook step (HOOK, PREFLIGHT_HOOK) names a hook, " + action + " named '" + hook + "'");
        }
    }

    /** A step that runs no hook: what plans held before hook steps existed. */
    public PlanStep(
            int index,
            StepAction action,
            String region,
            String peerRegion,
            long timeoutMs,
            int maxAttempts,
            Boolean parallel,
            Boolean bestEffort) {
        this(index, action, region, peerRegion, timeoutMs, maxAttempts, parallel, bestEffort, null);
    }

    /** A step that is not best-effort: what plans held before best-effort fences existed. */
    public PlanStep(
            int index,
            StepAction action,
            String region,
            String peerRegion,
            long timeoutMs,
            int maxAttempts,
            Boolean parallel) {
        this(index, action, region, peerRegion, timeoutMs, maxAttempts, parallel, false, null);
    }

    public Actuator actuator() {
        return action.actuator();
    }
}
