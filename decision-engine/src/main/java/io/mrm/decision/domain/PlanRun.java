package io.mrm.decision.domain;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest decision's plan and where each step stands.
 *
 * @param attemptDeadline when the current attempt counts as failed if unacknowledged (null: none in flight)
 * @param retryAt         when the next attempt of the current step is due (null: no retry waiting)
 * @param attemptLimit    attempts the current step may use (raised by a resume)
 */
public record PlanRun(FailoverDecision decision, List<StepProgress> steps, Instant attemptDeadline, Instant retryAt,
                      int attemptLimit) {

    public PlanRun {
        steps = List.copyOf(steps);
    }

    /** The first step not yet finished, or -1 when all are. */
    public int currentIndex() {
        for (StepProgress step : steps) {
            if (step.status() != StepStatus.SUCCEEDED && step.status() != StepStatus.SKIPPED) {
                return step.index();
            }
        }
        return -1;
    }

    PlanRun with(StepProgress replacement) {
        List<StepProgress> next = new ArrayList<>(steps);
        next.set(replacement.index(), replacement);
        return new PlanRun(decision, next, attemptDeadline, retryAt, attemptLimit);
    }

    PlanRun timing(Instant attemptDeadline, Instant retryAt, int attemptLimit) {
        return new PlanRun(decision, steps, attemptDeadline, retryAt, attemptLimit);
    }
}
