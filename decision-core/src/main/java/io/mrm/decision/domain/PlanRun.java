package io.mrm.decision.domain;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest decision's plan, where each step stands, and each step's timers.
 *
 * @param timers one per step, in plan order
 */
public record PlanRun(FailoverDecision decision, List<StepProgress> steps, List<StepTimer> timers) {

    /**
     * @param attemptDeadline when the running attempt counts as failed if unacknowledged (null: none in flight)
     * @param retryAt         when the next attempt is due (null: no retry waiting)
     * @param attemptLimit    attempts the step may use (raised by a resume)
     */
    public record StepTimer(int index, Instant attemptDeadline, Instant retryAt, int attemptLimit) {
    }

    public PlanRun {
        steps = List.copyOf(steps);
        timers = List.copyOf(timers);
    }

    static PlanRun start(FailoverDecision decision, List<StepProgress> steps) {
        List<StepTimer> timers = new ArrayList<>();
        for (PlanStep step : decision.plan()) {
            timers.add(new StepTimer(step.index(), null, null, step.maxAttempts()));
        }
        return new PlanRun(decision, steps, timers);
    }

    /** The first step not yet finished, or -1 when all are. */
    public int currentIndex() {
        for (StepProgress step : steps) {
            if (!done(step)) {
                return step.index();
            }
        }
        return -1;
    }

    /** The steps that run together with the first unfinished one (empty when all are finished). */
    public List<Integer> currentGroup() {
        int first = currentIndex();
        if (first < 0) {
            return List.of();
        }
        List<PlanStep> plan = decision.plan();
        int start = first;
        while (start > 0 && plan.get(start).parallel()) {
            start--;
        }
        List<Integer> group = new ArrayList<>();
        group.add(start);
        for (int i = start + 1; i < plan.size() && plan.get(i).parallel(); i++) {
            group.add(i);
        }
        return group;
    }

    static boolean done(StepProgress step) {
        return step.status() == StepStatus.SUCCEEDED || step.status() == StepStatus.SKIPPED;
    }

    StepProgress step(int index) {
        return steps.get(index);
    }

    StepTimer timer(int index) {
        return timers.get(index);
    }

    PlanRun with(StepProgress replacement) {
        List<StepProgress> next = new ArrayList<>(steps);
        next.set(replacement.index(), replacement);
        return new PlanRun(decision, next, timers);
    }

    PlanRun with(StepTimer replacement) {
        List<StepTimer> next = new ArrayList<>(timers);
        next.set(replacement.index(), replacement);
        return new PlanRun(decision, steps, next);
    }
}
