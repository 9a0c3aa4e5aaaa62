package io.mrm.decision.domain;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.util.ArrayList;
import java.util.List;

/** The running plan of a decision: the decision itself and where each step stands. */
public record PlanRun(FailoverDecision decision, List<StepProgress> steps) {

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
        return new PlanRun(decision, next);
    }
}
