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
}
