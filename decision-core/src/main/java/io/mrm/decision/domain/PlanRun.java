package io.mrm.decision.domain;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest decision's plan, where each step stands, and each step's timers.
 *
 * <p>Best-effort steps (the fences a forced plan adds) stand beside the plan: they are never part of
 * the current group, never hold the plan up, and start once every ordinary step before them is done.
 *
 * @param timers  one per step, in plan order
 * @param epoch   the fencing epoch the plan's commands carry now: the decision's, raised by a resume
 *                (0 in states stored before it existed: the decision's)
 * @param aborted the plan was aborted; late answers still tell what took effect
 * @param startPlacement where the components were when it started, if they were split (null: all in
 *                the region it leaves)
 * @param fellBack a plan that tries the graceful path first ({@link FailoverDecision#drainsFirst()}) gave
 *                it up and runs forced from then on (false in states stored before it existed)
 */
public record PlanRun(
        FailoverDecision decision,
        List<StepProgress> steps,
        List<StepTimer> timers,
        long epoch,
        boolean aborted,
        ComponentPlacement startPlacement,
        boolean fellBack) {

    /**
     * @param attemptDeadline when the running attempt counts as failed if unacknowledged (null: none in flight)
     * @param retryAt         when the next attempt is due (null: no retry waiting)
     * @param attemptLimit    attempts the step may use (raised by a resume)
     * @param unanswered      an attempt went without an answer (its deadline passed, or the plan was aborted
     *                        while it ran): it may have taken effect even if the step did not succeed
     */
    public record StepTimer(int index, Instant attemptDeadline, Instant retryAt, int attemptLimit, boolean unanswered) {

        StepTimer(int index, Instant attemptDeadline, Instant retryAt, int attemptLimit) {
            this(index, attemptDeadline, retryAt, attemptLimit, false);
        }

        /** An attempt is in flight until {@code deadline}. */
        StepTimer sent(Instant deadline) {
            return new StepTimer(index, deadline, null, attemptLimit, unanswered);
        }

        /** Nothing in flight; the next attempt at {@code at}. */
        StepTimer retryingAt(Instant at) {
            return new StepTimer(index, null, at, attemptLimit, unanswered);
        }

        /** Nothing in flight, nothing due. */
        StepTimer idle() {
            return new StepTimer(index, null, null, attemptLimit, unanswered);
        }

        /** The attempt in flight (if any) will never be answered as far as the plan is concerned. */
        StepTimer givenUp() {
            return new StepTimer(index, null, retryAt, attemptLimit, unanswered || attemptDeadline != null);
        }

        /**
         * Nothing more will be sent (an aborted plan), but the attempt in flight stays awaited: its
         * answer, if it comes, tells whether it took effect.
         */
        StepTimer orphaned() {
            return new StepTimer(index, attemptDeadline, null, attemptLimit, unanswered);
        }

        /** A fresh start (a resume): nothing in flight any more, {@code limit} attempts in all. */
        StepTimer withLimit(int limit) {
            return new StepTimer(index, null, null, limit, unanswered || attemptDeadline != null);
        }
    }

    public PlanRun {
        steps = List.copyOf(steps);
        timers = List.copyOf(timers);
        epoch = epoch == 0 ? decision.epoch() : epoch;
    }

    static PlanRun start(FailoverDecision decision, List<StepProgress> steps, ComponentPlacement startPlacement) {
        List<StepTimer> timers = new ArrayList<>();
        for (PlanStep step : decision.plan()) {
            timers.add(new StepTimer(step.index(), null, null, step.maxAttempts()));
        }
        return new PlanRun(decision, steps, timers, decision.epoch(), false, startPlacement, false);
    }

    /**
     * The mode the plan's commands carry now: a plan that tries the graceful path first is GRACEFUL
     * until it falls back.
     */
    FailoverMode mode() {
        return decision.drainsFirst() && !fellBack ? FailoverMode.GRACEFUL : decision.mode();
    }

    /** Whether the plan is still on its graceful first try (and so bounded by the decision's drainWithinMs). */
    boolean tryingGraceful() {
        return decision.drainsFirst() && !fellBack;
    }

    /**
     * When the graceful first try must have succeeded by (null: the plan has none, or has not started it). It
     * starts once the pre-flight hooks are done: a slow hook must not use up the bound before a drain was tried.
     */
    Instant drainDeadline() {
        if (!decision.drainsFirst()) {
            return null;
        }
        Instant start = decision.time();
        for (StepProgress step : steps) {
            if (step.action() == StepAction.PREFLIGHT_HOOK && !bestEffort(step.index())) {
                if (!done(step)) {
                    return null;
                }
                if (step.finishedAt() != null && step.finishedAt().isAfter(start)) {
                    start = step.finishedAt();
                }
            }
        }
        return start.plusMillis(decision.drainWithinMs());
    }

    /** Whether the graceful first try has used up its bound. */
    boolean pastDrainBound(Instant now) {
        Instant deadline = drainDeadline();
        return tryingGraceful() && deadline != null && !now.isBefore(deadline);
    }

    /**
     * A step of the graceful first try: one that needs the region being left (skipped when the plan
     * falls back), or the promote (sent forced from then on). Best-effort fences are not: they belong
     * to both paths.
     */
    boolean gracefulTry(int index) {
        PlanStep step = planStep(index);
        return decision.drainsFirst()
                && !bestEffort(index)
                && (step.action().needsSourceRegion() || step.action() == StepAction.DATA_PROMOTE);
    }

    PlanRun fallenBack() {
        return new PlanRun(decision, steps, timers, epoch, aborted, startPlacement, true);
    }

    /** Where the components were when the plan started. */
    ComponentPlacement placementAtStart() {
        return startPlacement != null ? startPlacement : ComponentPlacement.all(decision.fromRegion());
    }

    PlanStep planStep(int index) {
        return decision.plan().get(index);
    }

    boolean bestEffort(int index) {
        return Boolean.TRUE.equals(planStep(index).bestEffort());
    }

    /** The first ordinary step not yet finished, or -1 when all are. */
    public int currentIndex() {
        for (StepProgress step : steps) {
            if (!bestEffort(step.index()) && !done(step)) {
                return step.index();
            }
        }
        return -1;
    }

    /** The ordinary steps that run together with the first unfinished one (empty when all are finished). */
    public List<Integer> currentGroup() {
        int first = currentIndex();
        if (first < 0) {
            return List.of();
        }
        List<Integer> ordinary = new ArrayList<>();
        for (PlanStep step : decision.plan()) {
            if (!Boolean.TRUE.equals(step.bestEffort())) {
                ordinary.add(step.index());
            }
        }
        int at = ordinary.indexOf(first);
        int start = at;
        while (start > 0 && planStep(ordinary.get(start)).parallel()) {
            start--;
        }
        List<Integer> group = new ArrayList<>();
        group.add(ordinary.get(start));
        for (int i = start + 1; i < ordinary.size() && planStep(ordinary.get(i)).parallel(); i++) {
            group.add(ordinary.get(i));
        }
        return group;
    }

    /**
     * Best-effort steps not started yet whose ordinary predecessors are all done, the nearest one
     * succeeded (a fence follows the step that moved the role away; if that was skipped, the old
     * region may still hold the only working copy, and is not fenced).
     */
    List<Integer> bestEffortDue() {
        List<Integer> due = new ArrayList<>();
        boolean predecessorsDone = true;
        StepProgress nearest = null;
        for (StepProgress step : steps) {
            if (!bestEffort(step.index())) {
                predecessorsDone &= done(step);
                nearest = step;
            } else if (predecessorsDone
                    && step.status() == StepStatus.PENDING
                    && (nearest == null || nearest.status() == StepStatus.SUCCEEDED)) {
                due.add(step.index());
            }
        }
        return due;
    }

    /** Best-effort steps that have been started (whatever their outcome). */
    List<Integer> bestEffortStarted() {
        List<Integer> started = new ArrayList<>();
        for (StepProgress step : steps) {
            if (bestEffort(step.index()) && step.status() != StepStatus.PENDING) {
                started.add(step.index());
            }
        }
        return started;
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
        return new PlanRun(decision, next, timers, epoch, aborted, startPlacement, fellBack);
    }

    PlanRun with(StepTimer replacement) {
        List<StepTimer> next = new ArrayList<>(timers);
        next.set(replacement.index(), replacement);
        return new PlanRun(decision, steps, next, epoch, aborted, startPlacement, fellBack);
    }

    PlanRun withEpoch(long next) {
        return new PlanRun(decision, steps, timers, next, aborted, startPlacement, fellBack);
    }

    PlanRun abortedRun() {
        return new PlanRun(decision, steps, timers, epoch, true, startPlacement, fellBack);
    }

    PlanRun resumedRun(long next) {
        return new PlanRun(decision, steps, timers, next, false, startPlacement, fellBack);
    }
}
