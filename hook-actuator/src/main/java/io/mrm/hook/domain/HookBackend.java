package io.mrm.hook.domain;

import java.time.Duration;

/**
 * Something a hook step runs: an HTTP hook, a Cloud Integration switch. Implementations never throw for a
 * failure of the backend: they classify it into the outcome, and they end within the time they are given.
 */
public interface HookBackend {

    /** Switches the application from {@code step.fromRegion()} to {@code step.toRegion()} within {@code timeLeft}. */
    HookOutcome apply(HookStep step, Duration timeLeft);

    /**
     * Read-only: checks that {@link #apply} could run and says in the outcome's detail what it would do.
     * Changes nothing.
     */
    HookOutcome rehearse(HookStep step, Duration timeLeft);

    /**
     * Read-only readiness: could a step of {@code application} towards {@code region} run now? SUCCEEDED when
     * it could (the detail says what was seen), FAILED_RETRIABLE when it cannot tell (unreachable, timed out),
     * FAILED_FATAL when the step would fail (a certificate refused, a credential rejected, an artifact missing).
     * Sends nothing a hook would act on.
     */
    HookOutcome probe(String application, String region, Duration timeLeft);

    /** Whether this is a pre-flight hook, asked before anything changes, whose VETO stops the switch. */
    default boolean preflight() {
        return false;
    }
}
