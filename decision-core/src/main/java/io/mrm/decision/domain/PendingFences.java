package io.mrm.decision.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fences of a region that a forced failover left without being able to fence it: its event broker
 * may still be active, its database still writable. Kept until they succeed, tried every
 * {@code fence-retry-interval} and at once when the region is seen up again, and run first by any plan
 * that switches towards that region (see {@link PlanBuilder}).
 */
final class PendingFences {

    private static final String PENDING_KEY = "FENCE:";
    private static final String UP_KEY = "FENCE_REGION_UP:";

    private PendingFences() {
    }

    /** At a plan's completion: its best-effort fences started but not succeeded (yet) stay duties. */
    static void keepUnfinished(WorkingState w, PlanRun run) {
        for (StepProgress step : run.steps()) {
            if (run.bestEffort(step.index()) && step.status() != StepStatus.SUCCEEDED
                    && step.status() != StepStatus.PENDING) {
                keep(w, run, step);
            }
        }
    }

    /**
     * At an abort: best-effort fences already started (their target-side step took effect, so the old
     * region must not come back as a second active one) and fences the plan ran first for its target,
     * unless they succeeded.
     */
    static void keepAfterAbort(WorkingState w, PlanRun run) {
        String target = run.decision().toRegion();
        for (StepProgress step : run.steps()) {
            boolean startedBestEffort = run.bestEffort(step.index()) && step.status() != StepStatus.PENDING;
            boolean fenceOfTarget = !run.bestEffort(step.index()) && step.region().equals(target)
                    && (step.action() == StepAction.DATA_FENCE || step.action() == StepAction.EVENTS_SET_STANDBY);
            if ((startedBestEffort || fenceOfTarget) && step.status() != StepStatus.SUCCEEDED) {
                keep(w, run, step);
            }
        }
    }

    private static void keep(WorkingState w, PlanRun run, StepProgress step) {
        PlanRun.StepTimer timer = run.timer(step.index());
        boolean inFlight = timer.attemptDeadline() != null;
        PendingFence fence = new PendingFence(new FenceDuty(step.action(), step.region(), run.decision().id()),
                step.index(), step.attempts(), inFlight ? run.epoch() : 0, inFlight ? timer.attemptDeadline() : null,
                w.now.plus(w.policy.fenceRetryInterval()), step.detail());
        List<PendingFence> next = new ArrayList<>();
        w.fences.stream().filter(f -> !f.sameFence(fence)).forEach(next::add);
        next.add(fence);
        w.fences = next;
        w.raiseOnce(PENDING_KEY + fence.duty().action() + ":" + fence.duty().region(), AlertCode.FENCE_PENDING,
                describe(fence.duty()) + " is not confirmed" + (step.detail() == null ? "" : " (" + step.detail() + ")")
                        + ": it is retried every " + w.policy.fenceRetryInterval() + " and as soon as "
                        + fence.duty().region() + " is seen up, and runs before any switch towards "
                        + fence.duty().region(), null);
    }

    /** Removes the fences a plan now runs as its own first steps. */
    static void handOver(WorkingState w, String region) {
        for (PendingFence fence : w.fences) {
            if (fence.duty().region().equals(region)) {
                w.clear(PENDING_KEY + fence.duty().action() + ":" + region);
            }
        }
        w.fences = w.fences.stream().filter(f -> !f.duty().region().equals(region)).toList();
    }

    /** An answer to a fence attempt: true when it was one (then nothing else should look at it). */
    static boolean onAck(WorkingState w, CommandAck ack) {
        StepRef ref = ack.step();
        for (PendingFence fence : w.fences) {
            if (fence.inFlight() && fence.duty().decisionId().equals(ref.decisionId())
                    && fence.stepIndex() == ref.stepIndex() && fence.attempts() == ref.attempt()
                    && fence.epoch() == ref.epoch()) {
                answered(w, fence, ack);
                return true;
            }
        }
        return false;
    }

    private static void answered(WorkingState w, PendingFence fence, CommandAck ack) {
        String detail = ack.outcome() + (ack.errorCode() == null ? "" : " " + ack.errorCode())
                + (ack.detail() == null ? "" : ": " + ack.detail());
        boolean done = ack.outcome() == AckOutcome.SUCCEEDED;
        List<PendingFence> next = new ArrayList<>();
        for (PendingFence f : w.fences) {
            if (f != fence) {
                next.add(f);
            } else if (!done) {
                next.add(new PendingFence(f.duty(), f.stepIndex(), f.attempts(), 0, null, f.nextAttemptAt(), detail));
            }
        }
        w.fences = next;
        recordInRun(w, fence, done ? StepStatus.SUCCEEDED : StepStatus.FAILED, detail);
        String key = PENDING_KEY + fence.duty().action() + ":" + fence.duty().region();
        if (done) {
            w.clear(key);
            w.alert(AlertCode.FENCE_COMPLETED, describe(fence.duty()) + " succeeded: " + detail, null,
                    fence.duty().decisionId());
        } else {
            w.raiseOnce(key, AlertCode.FENCE_PENDING, describe(fence.duty()) + " failed (" + detail
                    + "); retried every " + w.policy.fenceRetryInterval() + " and as soon as "
                    + fence.duty().region() + " is seen up", null);
        }
    }

    /** The fenced step of the plan that left it, if that plan is still the latest, shows the outcome. */
    private static void recordInRun(WorkingState w, PendingFence fence, StepStatus status, String detail) {
        PlanRun run = w.run;
        if (run != null && run.decision().id().equals(fence.duty().decisionId())
                && fence.stepIndex() < run.steps().size()) {
            StepProgress step = run.step(fence.stepIndex());
            w.run = run.with(new StepProgress(step.index(), step.action(), step.region(), status,
                    Math.max(step.attempts(), fence.attempts()), step.startedAt(), w.now, detail));
        }
    }

    /** Missed deadlines, and attempts due by the clock or because the region is seen up again. */
    static void retryDue(WorkingState w) {
        if (w.fences.isEmpty() || (w.phase != Phase.STEADY && w.phase != Phase.DIVERGED)) {
            return;
        }
        List<PendingFence> next = new ArrayList<>();
        for (PendingFence fence : w.fences) {
            PendingFence f = fence;
            if (f.inFlight() && w.now.isAfter(f.attemptDeadline())) {
                f = new PendingFence(f.duty(), f.stepIndex(), f.attempts(), 0, null, f.nextAttemptAt(),
                        "no acknowledgement before the deadline " + f.attemptDeadline());
            }
            String region = f.duty().region();
            boolean up = HealthAssessment.health(w, region) == RegionHealth.UP;
            boolean cameUp = up && w.raised.add(UP_KEY + f.duty().action() + ":" + region);
            if (!up) {
                w.clear(UP_KEY + f.duty().action() + ":" + region);
            }
            if (!f.inFlight() && (cameUp || !w.now.isBefore(f.nextAttemptAt()))) {
                f = send(w, f);
            }
            next.add(f);
        }
        w.fences = next;
    }

    private static PendingFence send(WorkingState w, PendingFence f) {
        int attempt = f.attempts() + 1;
        Instant deadline = w.now.plus(w.policy.fenceTimeout());
        StepRef ref = new StepRef(f.duty().decisionId(), w.epoch, f.stepIndex(), attempt, deadline);
        PlanStep step = new PlanStep(f.stepIndex(), f.duty().action(), f.duty().region(), null,
                Math.max(1, w.policy.fenceTimeout().toMillis()), 1, false, true);
        w.outputs.add(StepCommands.forStep(w.nextId(), w.applicationId(), w.now, step, ref));
        return new PendingFence(f.duty(), f.stepIndex(), attempt, w.epoch, deadline,
                w.now.plus(w.policy.fenceRetryInterval()), f.lastDetail());
    }

    static String describe(FenceDuty duty) {
        return duty.action() == StepAction.DATA_FENCE
                ? "fencing the database of " + duty.region()
                : "setting the event broker of " + duty.region() + " to standby";
    }
}
