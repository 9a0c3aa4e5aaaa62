package io.mrm.audit;

import io.mrm.events.decision.StepAction;
import java.time.Instant;
import java.util.List;

/**
 * One plan step of a run and every attempt at it.
 *
 * @param index      position in the plan, from 0 (printed from 1)
 * @param action     what the step does
 * @param region     the region it applies to; null when the decision was not read
 * @param attempts   the attempts, by attempt number
 * @param outcome    where it ended
 * @param retries    attempts after the first (highest attempt number seen minus one)
 * @param finishedAt when it succeeded (its ack) or was skipped; null otherwise
 * @param note       why it was skipped, or why it failed, when known
 */
public record StepTrace(
        int index,
        StepAction action,
        String region,
        List<StepAttempt> attempts,
        StepOutcome outcome,
        int retries,
        Instant finishedAt,
        String note) {

    public StepTrace {
        attempts = List.copyOf(attempts);
    }
}
