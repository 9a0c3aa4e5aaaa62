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
 * {@code fence-retry-interval} and at once when the region is seen up again while no plan runs, run
 * first by a graceful plan towards that region and superseded by a forced one (see
 * {@link PlanBuilder}); never sent to a region that holds that role.
 */
final class PendingFences {

    private static final String PENDING_KEY = "FENCE:";
    private static final String UP_KEY = "FENCE_REGION_UP:";

    private PendingFences() {}

    /** At a plan's completion: its best-effort fences started but not succeeded (yet) stay duties. */
    static void keepUnfinished(WorkingState w, PlanRun run) {
        for (StepProgress step : run.steps()) {
            if (run.bestEffort(step.index())
                    && step.status() != StepStatus.SUCCEEDED
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
            boolean fenceOfTarget = !run.bestEffort(step.index())
                    && step.region().equals(target)
                    && (step.action() == StepAction.DATA_FENCE || step.action() == StepAction.EVENTS_SET_STANDBY);
            if ((startedBestEffort || fenceOfTarget) && step.status() != StepStatus.SUCCEEDED) {
                keep(w, run, step);
            }
        }
    }

    private static void keep(WorkingState w, PlanRun run, StepProgress step) {
        PlanRun.StepTimer timer = run.timer(step.index());
        boolean inFlight = timer.attemptDeadline() != null;
        PendingFence fence = new PendingFence(
                new FenceDuty(step.action(), step.region(), run.decision().id()),
                step.index(),
                step.attempts(),
                inFlight ? run.epoch() : 0,
                inFlight ? timer.attemptDeadline() : null,
                w.now.plus(w.policy.fenceRetryInterval()),
                step.detail());
        if (inFlight) {
            keepQuietly(w, fence); // still under way: alerted only if it fails or goes unanswered
        } else {
            add(w, fence);
        }
    }

    private static void keepQuietly(WorkingState w, PendingFence fence) {
        List<PendingFence> next = new ArrayList<>();
        w.fences.stream().filter(f -> !f.sameFence(fence)).forEach(next::add);
        next.add(fence);
        w.fences = next;
    }

    /** Keeps a fence (replacing one of the same action and region), and alerts that it is pending. */
    static void add(WorkingState w, PendingFence fence) {
        keepQuietly(w, fence);
        alertPending(w, fence);
    }

    private static void alertPending(WorkingState w, PendingFence fence) {
        w.raiseOnce(
                pendingKey(fence.duty()),
                AlertCode.FENCE_PENDING,
                describe(fence.duty()) + " is not confirmed"
                        + (fence.lastDetail() == null ? "" : " (" + fence.lastDetail() + ")") + ": it is retried every "
                        + w.policy.fenceRetryInterval()
                        + " and as soon as " + fence.duty().region() + " is seen up, and a graceful switch towards "
                        + fence.duty().region() + " runs it first",
                null);
    }

    private static String pendingKey(FenceDuty duty) {
        return PENDING_KEY + duty.action() + ":" + duty.region();
    }

    /** Removes the fences a plan now runs as its own first steps. */
    static void handOver(WorkingState w, String region) {
        for (PendingFence fence : w.fences) {
            if (fence.duty().region().equals(region)) {
                w.clear(pendingKey(fence.duty()));
            }
        }
        w.fences =
                w.fences.stream().filter(f -> !f.duty().region().equals(region)).toList();
    }

    /** An answer to a fence attempt: true when it was one (then nothing else should look at it). */
    static boolean onAck(WorkingState w, CommandAck ack) {
        StepRef ref = ack.step();
        for (PendingFence fence : w.fences) {
            if (fence.inFlight()
                    && fence.duty().action() == ack.action()
                    && fence.duty().decisionId().equals(ref.decisionId())
                    && fence.stepIndex() == ref.stepIndex()
                    && fence.attempts() == ref.attempt()
                    && fence.epoch() == ref.epoch()) {
                answered(w, fence, ack);
                return true;
            }
        }
        return false;
    }

    private static void answered(WorkingState w, PendingFence fence, CommandAck ack) {
        String detail = Texts.clip(ack.outcome()
                + (ack.errorCode() == null ? "" : " " + ack.errorCode())
                + (ack.detail() == null ? "" : ": " + ack.detail()));
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
        boolean recorded = recordInRun(w, fence, done ? StepStatus.SUCCEEDED : StepStatus.FAILED, detail);
        if (recorded && w.run.aborted()) {
            Divergence.recordLateEffect(w); // a broker set to standby after an abort moves the events
        }
        String key = pendingKey(fence.duty());
        if (done) {
            if (w.clear(key)) { // said to be pending: say it is done
                w.alert(
                        AlertCode.FENCE_COMPLETED,
                        describe(fence.duty()) + " succeeded: " + detail,
                        null,
                        fence.duty().decisionId());
            }
        } else {
            w.raiseOnce(
                    key,
                    AlertCode.FENCE_PENDING,
                    describe(fence.duty()) + " failed (" + detail
                            + "); retried every " + w.policy.fenceRetryInterval() + " and as soon as "
                            + fence.duty().region() + " is seen up",
                    null);
        }
    }

    /**
     * The fenced step of the plan that left it shows the outcome, if that plan is still the latest and
     * no longer runs (a running plan's steps answer to its own attempts only).
     */
    private static boolean recordInRun(WorkingState w, PendingFence fence, StepStatus status, String detail) {
        PlanRun run = w.run;
        boolean running = run != null && !run.aborted() && (w.phase == Phase.SWITCHING || w.phase == Phase.PAUSED);
        if (run == null
                || running
                || !run.decision().id().equals(fence.duty().decisionId())
                || fence.stepIndex() >= run.steps().size()
                || run.step(fence.stepIndex()).action() != fence.duty().action()) {
            return false;
        }
        StepProgress step = run.step(fence.stepIndex());
        w.run = run.with(new StepProgress(
                        step.index(),
                        step.action(),
                        step.region(),
                        status,
                        Math.max(step.attempts(), fence.attempts()),
                        step.startedAt(),
                        w.now,
                        detail))
                .with(run.timer(step.index()).idle());
        return true;
    }

    /**
     * Missed deadlines, and attempts due by the clock or because the region is seen up again — whenever
     * no plan runs (a running plan may run them itself). A fence of a region that holds that role now
     * (the engine switched back to it) is dropped, never sent.
     */
    static void retryDue(WorkingState w) {
        if (w.fences.isEmpty() || w.phase == Phase.SWITCHING || w.phase == Phase.PAUSED) {
            return;
        }
        List<PendingFence> next = new ArrayList<>();
        for (PendingFence fence : w.fences) {
            PendingFence f = fence;
            Holder holder = holder(w, f.duty());
            if (holder == Holder.THIS_REGION || !w.policy.hasRegion(f.duty().region())) {
                w.clear(pendingKey(f.duty()));
                w.alert(
                        AlertCode.FENCE_SUPERSEDED,
                        describe(f.duty()) + " is no longer due: "
                                + (w.policy.hasRegion(f.duty().region())
                                        ? f.duty().region() + " holds that role now"
                                        : f.duty().region() + " is not a region of " + w.applicationId()),
                        null,
                        f.duty().decisionId());
                continue;
            }
            if (f.inFlight() && w.now.isAfter(f.attemptDeadline())) {
                f = new PendingFence(
                        f.duty(),
                        f.stepIndex(),
                        f.attempts(),
                        0,
                        null,
                        f.nextAttemptAt(),
                        "no acknowledgement before the deadline " + f.attemptDeadline());
                alertPending(w, f);
            }
            String region = f.duty().region();
            boolean up = HealthAssessment.health(w, region) == RegionHealth.UP;
            boolean cameUp = up && w.raised.add(UP_KEY + f.duty().action() + ":" + region);
            if (!up) {
                w.clear(UP_KEY + f.duty().action() + ":" + region);
            }
            // while the role's holder is unknown (a split), fencing might close the only working copy
            if (holder == Holder.ANOTHER_REGION && !f.inFlight() && (cameUp || !w.now.isBefore(f.nextAttemptAt()))) {
                f = send(w, f);
            }
            next.add(f);
        }
        w.fences = next;
        if (w.fences.isEmpty()) {
            w.raised.removeIf(key -> key.startsWith(UP_KEY));
        }
    }

    /** Who holds the role a fence takes away: the fenced region itself, another one, or unknown. */
    enum Holder {
        THIS_REGION,
        ANOTHER_REGION,
        UNKNOWN
    }

    static Holder holder(WorkingState w, FenceDuty duty) {
        String holder;
        if (w.placement == null) {
            holder = w.active;
        } else {
            holder = duty.action() == StepAction.DATA_FENCE ? w.placement.data() : w.placement.events();
        }
        if (holder == null) {
            return Holder.UNKNOWN;
        }
        return holder.equals(duty.region()) ? Holder.THIS_REGION : Holder.ANOTHER_REGION;
    }

    /**
     * An attempt under the current epoch; under a new one when an actuator has reported a higher one
     * than ours (a stale refusal of an earlier attempt) or none was ever issued (a restored state).
     */
    private static PendingFence send(WorkingState w, PendingFence f) {
        if (w.epoch < 1 || w.highestEpochSeen > w.epoch) {
            w.nextEpoch();
        }
        int attempt = f.attempts() + 1;
        Instant deadline = w.now.plus(w.policy.fenceTimeout());
        StepRef ref = new StepRef(f.duty().decisionId(), w.epoch, f.stepIndex(), attempt, deadline);
        PlanStep step = new PlanStep(
                f.stepIndex(),
                f.duty().action(),
                f.duty().region(),
                null,
                Math.max(1, w.policy.fenceTimeout().toMillis()),
                1,
                false,
                true);
        w.outputs.add(StepCommands.forStep(w.nextId(), w.applicationId(), w.now, step, ref));
        return new PendingFence(
                f.duty(),
                f.stepIndex(),
                attempt,
                w.epoch,
                deadline,
                w.now.plus(w.policy.fenceRetryInterval()),
                f.lastDetail());
    }

    static String describe(FenceDuty duty) {
        return duty.action() == StepAction.DATA_FENCE
                ? "fencing the database of " + duty.region()
                : "setting the event broker of " + duty.region() + " to standby";
    }
}
