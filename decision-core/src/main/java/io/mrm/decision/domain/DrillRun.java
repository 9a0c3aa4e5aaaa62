package io.mrm.decision.domain;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A drill: the application's real plan run in rehearsal, kept beside the real state (which it never changes).
 *
 * @param decision   the drill's decision (kind DRILL, the current epoch)
 * @param status     where the drill stands
 * @param steps      each step's progress, in plan order
 * @param timers     one per step, in plan order
 * @param durationMs each answered step's measured time (the last answer's {@code durationMs}), by step index
 * @param endedAt    when it completed, failed or was cancelled (null while it is proposed or runs)
 */
public record DrillRun(
        FailoverDecision decision,
        Status status,
        List<StepProgress> steps,
        List<PlanRun.StepTimer> timers,
        Map<Integer, Long> durationMs,
        Instant endedAt) {

    /** Where a drill stands. */
    public enum Status {
        /** Waiting for a second operator (two-person rule). */
        PROPOSED,
        RUNNING,
        /** Every step would have succeeded. */
        COMPLETED,
        /** Every step was tried; at least one would have failed. */
        FAILED,
        /** Withdrawn, rejected, aborted, or superseded by a real decision. */
        CANCELLED;

        boolean active() {
            return this == PROPOSED || this == RUNNING;
        }
    }

    public DrillRun {
        steps = List.copyOf(steps);
        timers = List.copyOf(timers);
        durationMs = durationMs == null ? Map.of() : Map.copyOf(durationMs);
    }

    static DrillRun start(FailoverDecision decision, Status status) {
        List<PlanRun.StepTimer> timers = new ArrayList<>();
        for (PlanStep step : decision.plan()) {
            timers.add(new PlanRun.StepTimer(step.index(), null, null, step.maxAttempts()));
        }
        return new DrillRun(decision, status, PlanExecution.pending(decision), timers, Map.of(), null);
    }

    PlanStep planStep(int index) {
        return decision.plan().get(index);
    }

    boolean bestEffort(int index) {
        return Boolean.TRUE.equals(planStep(index).bestEffort());
    }

    static boolean finished(StepProgress step) {
        return step.status() == StepStatus.SUCCEEDED
                || step.status() == StepStatus.FAILED
                || step.status() == StepStatus.SKIPPED;
    }

    /**
     * The plan's groups, in order, as the real plan runs them: an ordinary step marked parallel joins the
     * ordinary steps before it; a best-effort step (a forced plan's fence) goes out with the group after it
     * (the real plan sends it beside that group), or last when nothing follows.
     */
    List<List<Integer>> groups() {
        return groups(decision.plan());
    }

    private static List<List<Integer>> groups(List<PlanStep> plan) {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> waiting = new ArrayList<>();
        for (PlanStep step : plan) {
            if (Boolean.TRUE.equals(step.bestEffort())) {
                waiting.add(step.index());
            } else if (step.parallel() && !groups.isEmpty()) {
                groups.get(groups.size() - 1).add(step.index());
            } else {
                List<Integer> group = new ArrayList<>(waiting);
                waiting.clear();
                group.add(step.index());
                groups.add(group);
            }
        }
        if (!waiting.isEmpty()) {
            groups.add(new ArrayList<>(waiting));
        }
        return groups;
    }

    /** The first group with a step not finished (empty when every step is). */
    List<Integer> currentGroup() {
        for (List<Integer> group : groups()) {
            if (group.stream().anyMatch(i -> !finished(steps.get(i)))) {
                return group;
            }
        }
        return List.of();
    }

    /**
     * The steps' measured time as a real run would spend it: the groups one after another, each as long as
     * its longest ordinary step (best-effort fences never hold a real plan up, so they do not count).
     */
    long stepsMs() {
        return stepsMs(decision.plan(), durationMs);
    }

    /**
     * The same rule for any reader of a drill's acknowledgements (the audit): {@code durationMs} by step index,
     * a step without one counting 0.
     */
    public static long stepsMs(List<PlanStep> plan, Map<Integer, Long> durationMs) {
        long total = 0;
        for (List<Integer> group : groups(plan)) {
            long longest = 0;
            for (int index : group) {
                if (!Boolean.TRUE.equals(plan.get(index).bestEffort())) {
                    longest = Math.max(longest, durationMs.getOrDefault(index, 0L));
                }
            }
            total += longest;
        }
        return total;
    }

    DrillRun with(StepProgress replacement) {
        List<StepProgress> next = new ArrayList<>(steps);
        next.set(replacement.index(), replacement);
        return new DrillRun(decision, status, next, timers, durationMs, endedAt);
    }

    DrillRun with(PlanRun.StepTimer replacement) {
        List<PlanRun.StepTimer> next = new ArrayList<>(timers);
        next.set(replacement.index(), replacement);
        return new DrillRun(decision, status, steps, next, durationMs, endedAt);
    }

    DrillRun measured(int index, long ms) {
        Map<Integer, Long> next = new HashMap<>(durationMs);
        next.put(index, ms);
        return new DrillRun(decision, status, steps, timers, next, endedAt);
    }

    DrillRun ended(Status end, Instant at) {
        return new DrillRun(decision, end, steps, timers, durationMs, at);
    }
}
