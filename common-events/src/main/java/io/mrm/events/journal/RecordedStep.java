package io.mrm.events.journal;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;

/**
 * One configured step of a recorded plan.
 *
 * @param action      what the step does
 * @param hook        the hook a hook step runs; absent on every other step
 * @param timeoutMs   how long one attempt may take; absent: the policy's step timeout
 * @param maxAttempts attempts before the plan pauses; absent: the policy's step attempts
 * @param parallel    runs together with the step before it; absent means false
 */
public record RecordedStep(StepAction action, String hook, Long timeoutMs, Integer maxAttempts, Boolean parallel) {

    public RecordedStep {
        Require.present("action", action);
        Require.optionalName("hook", hook);
        if (timeoutMs != null) {
            Require.atLeast("timeoutMs", timeoutMs, 1L);
        }
        if (maxAttempts != null) {
            Require.atLeast("maxAttempts", maxAttempts, 1);
        }
        parallel = Boolean.TRUE.equals(parallel) ? Boolean.TRUE : null;
    }
}
