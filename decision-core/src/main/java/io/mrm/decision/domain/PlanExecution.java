package io.mrm.decision.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a decision's plan: one group of steps at a time, each a command and then its answer or its
 * deadline; retries with backoff; pauses on a failure for good; completes by switching the active
 * region. Best-effort steps run beside the plan and what they did not achieve becomes a pending fence.
 * Also abort (which fences with a new epoch and records what took effect), resume (always under a
 * new epoch) and skip.
 */
final class PlanExecution {

    /** How an attempt ended without success. */
    enum Failure {
        /** The actuator says trying again may work. */
        RETRIABLE,
        /** No answer before the deadline: may work next time. */
        NO_ANSWER,
        /** The actuator says trying again will not help. */
        FATAL,
        /** The actuator holds a higher epoch: only a new epoch can get past it. */
        STALE;

        static Failure of(AckOutcome outcome) {
            return switch (outcome) {
                case FAILED_RETRIABLE -> RETRIABLE;
                // a veto from a step that is no pre-flight hook is no veto: the step failed for good
                case FAILED_FATAL, VETOED -> FATAL;
                case REJECTED_STALE -> STALE;
                case SUCCEEDED -> throw new IllegalArgumentException("a success is not a failure");
            };
        }

        boolean retriable() {
            return this == RETRIABLE || this == NO_ANSWER;
        }
    }

    /** How a pre-flight hook skipped for want of an answer is marked (its detail starts so). */
    static final String UNANSWERED = "pre-flight hook gave no answer, going on: ";

    /** How a step skipped by a fallback to forced is marked (its detail starts so). */
    static final String FELL_BACK = "fell back to forced: ";

    private PlanExecution() {}

    // ---- starting ---------------------------------------------------------------------------------

    /** Publishes the decision and starts its plan. */
    static void start(WorkingState w, FailoverDecision decision) {
        Drills.cancel(w, supersededBy(decision));
        w.outputs.add(decision);
        w.lastDecisionId = decision.id();
        w.run = PlanRun.start(decision, pending(decision), w.placement);
        w.phase = Phase.SWITCHING;
        w.parkedRun = null; // a plan started from a split supersedes the aborted one parked beside a proposal
        w.clear(WorkingState.SUPPRESSED);
        // a graceful plan runs the target's pending fences as its first steps; a forced one supersedes
        // them only once it has made the target primary and active (its completion): aborted earlier,
        // they are still owed
        if (decision.mode() != FailoverMode.FORCED || decision.drainsFirst()) {
            PendingFences.handOver(w, decision.toRegion());
        }
        startDue(w);
    }

    /** Why a real decision cancels a drill: it never waits for a rehearsal. */
    private static String supersededBy(FailoverDecision decision) {
        return "a real " + decision.kind() + " decision " + decision.id() + " (" + decision.fromRegion() + " -> "
                + decision.toRegion() + ", " + decision.status() + ") takes precedence: " + decision.reason();
    }

    /** Publishes a proposal: a decision that waits for an operator before anything runs. */
    static void propose(WorkingState w, FailoverDecision proposal) {
        if (w.run != null && w.run.aborted() && w.placement != null) {
            // the split's aborted plan stays resumable, and its late answers count, while the proposal waits
            w.parkedRun = w.run;
        }
        Drills.cancel(w, supersededBy(proposal));
        w.outputs.add(proposal);
        w.lastDecisionId = proposal.id();
        w.run = PlanRun.start(proposal, pending(proposal), w.placement);
        w.phase = Phase.PROPOSED;
    }

    /**
     * A proposal ends without running (rejected, withdrawn, expired, superseded): back to STEADY, or to
     * the split it was made from, with the aborted plan parked beside it current again.
     */
    static void endProposal(WorkingState w) {
        w.phase = w.restingPhase();
        if (w.parkedRun != null) {
            w.run = w.parkedRun;
            w.lastDecisionId = w.run.decision().id(); // the plan an operator resumes or aborts is this one again
            w.parkedRun = null;
            Divergence.recordLateEffect(w); // answers it got meanwhile
        }
    }

    static List<StepProgress> pending(FailoverDecision decision) {
        List<StepProgress> progress = new ArrayList<>();
        for (PlanStep step : decision.plan()) {
            progress.add(new StepProgress(
                    step.index(), step.action(), step.region(), StepStatus.PENDING, 0, null, null, null));
        }
        return progress;
    }

    /** Starts every step of the current group not started yet, and every best-effort step now due. */
    private static void startDue(WorkingState w) {
        if (w.run.pastDrainBound(w.now) && unfinishedGracefulTry(w.run) >= 0) {
            // past the bound (a drain answered late, a resume): nothing more of the graceful try is sent
            int late = unfinishedGracefulTry(w.run);
            fallBack(
                    w,
                    "the graceful path did not complete within "
                            + seconds(w.run.decision().drainWithinMs())
                            + " (step " + late + ", " + w.run.step(late).action() + " "
                            + w.run.step(late).region() + ": "
                            + (w.run.step(late).detail() == null
                                    ? "not finished"
                                    : w.run.step(late).detail()) + ")");
            return;
        }
        for (int index : w.run.currentGroup()) {
            if (w.run.step(index).status() == StepStatus.PENDING) {
                sendAttempt(w, index);
            }
        }
        for (int index : w.run.bestEffortDue()) {
            if (w.run.step(index).status() == StepStatus.PENDING) {
                sendAttempt(w, index);
            }
        }
    }

    private static void sendAttempt(WorkingState w, int index) {
        PlanRun run = w.run;
        PlanStep planStep = run.planStep(index);
        StepProgress current = run.step(index);
        int attempt = current.attempts() + 1;
        Instant deadline = w.now.plusMillis(planStep.timeoutMs());
        if (run.tryingGraceful()
                && run.gracefulTry(index)
                && run.drainDeadline() != null
                && run.drainDeadline().isAfter(w.now)
                && run.drainDeadline().isBefore(deadline)) {
            deadline = run.drainDeadline(); // the graceful try's bound is the actuator's bound too
        }
        StepRef ref = new StepRef(run.decision().id(), run.epoch(), index, attempt, deadline);
        w.outputs.add(StepCommands.forStep(
                w.nextId(), w.applicationId(), w.now, planStep, ref, run.mode(), backlogBound(w, run, index)));
        w.run = run.with(new StepProgress(
                        index,
                        current.action(),
                        current.region(),
                        StepStatus.RUNNING,
                        attempt,
                        current.startedAt() == null ? w.now : current.startedAt(),
                        null,
                        current.detail()))
                .with(run.timer(index).sent(deadline));
    }

    /**
     * The largest backlog a drain of the graceful try may take on ({@code failover-drain-max-backlog}): a
     * larger one is refused at once, so the plan falls back to forced instead of waiting out its time
     * bound. Null for every other step, and for plans an operator asked for.
     */
    private static Long backlogBound(WorkingState w, PlanRun run, int index) {
        return run.tryingGraceful()
                        && run.gracefulTry(index)
                        && run.planStep(index).action() == StepAction.DATA_DRAIN
                ? w.policy.failoverDrainMaxBacklogBytes()
                : null;
    }

    // ---- time ------------------------------------------------------------------------------------

    /** Due retries and missed deadlines, of the current group and of best-effort steps. */
    static void checkTimers(WorkingState w) {
        if (w.run == null || w.run.aborted() || (w.phase != Phase.SWITCHING && w.phase != Phase.PAUSED)) {
            return;
        }
        if (w.phase == Phase.SWITCHING && w.run.pastDrainBound(w.now) && unfinishedGracefulTry(w.run) >= 0) {
            int late = unfinishedGracefulTry(w.run);
            fallBack(
                    w,
                    "the graceful path did not complete within "
                            + seconds(w.run.decision().drainWithinMs())
                            + " (step " + late + ", " + w.run.step(late).action() + " "
                            + w.run.step(late).region() + ": "
                            + (w.run.step(late).detail() == null
                                    ? "no answer yet"
                                    : w.run.step(late).detail()) + ")");
        }
        if (w.phase == Phase.SWITCHING) {
            for (int index : w.run.currentGroup()) {
                PlanRun.StepTimer timer = w.run.timer(index);
                if (w.phase != Phase.SWITCHING || w.run.step(index).status() != StepStatus.RUNNING) {
                    continue;
                }
                if (timer.retryAt() != null && !w.now.isBefore(timer.retryAt())) {
                    sendAttempt(w, index);
                } else if (timer.attemptDeadline() != null && w.now.isAfter(timer.attemptDeadline())) {
                    w.run = w.run.with(timer.givenUp());
                    attemptFailed(
                            w,
                            w.run.step(index),
                            Failure.NO_ANSWER,
                            "no acknowledgement before the deadline " + timer.attemptDeadline(),
                            null,
                            null);
                }
            }
        }
        for (int index : w.run.bestEffortStarted()) {
            PlanRun.StepTimer timer = w.run.timer(index);
            if (w.run.step(index).status() == StepStatus.RUNNING
                    && timer.attemptDeadline() != null
                    && w.now.isAfter(timer.attemptDeadline())) {
                w.run = w.run.with(timer.givenUp());
                bestEffortEnded(
                        w,
                        w.run.step(index),
                        StepStatus.FAILED,
                        "no acknowledgement before the deadline " + timer.attemptDeadline());
            }
        }
    }

    // ---- answers ---------------------------------------------------------------------------------

    /** An actuator's answer to one of the current plan's commands (others are ignored). */
    static void onAck(WorkingState w, CommandAck ack) {
        if (w.parkedRun != null
                && ack.step().decisionId().equals(w.parkedRun.decision().id())) {
            // an answer to the aborted plan parked beside a proposal: recorded on it
            PlanRun proposal = w.run;
            w.run = w.parkedRun;
            w.parkedRun = null;
            onAck(w, ack);
            w.parkedRun = w.run;
            w.run = proposal;
            return;
        }
        PlanRun run = w.run;
        if (run == null
                || !ack.step().decisionId().equals(run.decision().id())
                || ack.step().epoch() != run.epoch()
                || ack.step().stepIndex() >= run.steps().size()) {
            return; // late, duplicate or foreign: the plan has moved on
        }
        int index = ack.step().stepIndex();
        StepProgress current = run.step(index);
        if (ack.action() != current.action()) {
            // signed by the actuator it names, but that actuator does not run this step: hana-sync's
            // word on a DNS step is no answer to it
            return;
        }
        PlanRun.StepTimer timer = run.timer(index);
        boolean awaited = timer.attemptDeadline() != null && ack.step().attempt() == current.attempts();
        // a command can be delivered twice: an earlier attempt's success (or this one's after a failure
        // was taken) means the step took effect, whatever was answered before
        boolean skippedByFallback = run.fellBack()
                && current.status() == StepStatus.SKIPPED
                && current.detail() != null
                && current.detail().startsWith(FELL_BACK);
        boolean lateSuccess = ack.outcome() == AckOutcome.SUCCEEDED
                && ack.step().attempt() <= current.attempts()
                && (!PlanRun.done(current) || skippedByFallback);
        if (ack.outcome() == AckOutcome.VETOED
                && !run.aborted()
                && ack.step().attempt() <= current.attempts()
                && current.status() == StepStatus.SKIPPED
                && current.detail() != null
                && current.detail().startsWith(UNANSWERED)) {
            lateVeto(w, current, ack);
            return;
        }
        if (!awaited && !lateSuccess) {
            return;
        }
        String detail = ack.outcome()
                + (ack.errorCode() == null ? "" : " " + ack.errorCode())
                + (ack.detail() == null ? "" : ": " + ack.detail());
        if (run.aborted()) {
            lateAnswer(w, current, ack, detail);
            return;
        }
        if (w.phase != Phase.SWITCHING && w.phase != Phase.PAUSED) {
            return;
        }
        if (skippedByFallback) {
            // it took effect after all (the old broker was demoted, the old database drained): say so
            w.run = w.run.with(finished(
                            w, current, StepStatus.SUCCEEDED, "took effect after the fallback to forced: " + detail))
                    .with(timer.idle());
            return;
        }
        if (run.bestEffort(index)) {
            bestEffortEnded(
                    w,
                    current,
                    ack.outcome() == AckOutcome.SUCCEEDED ? StepStatus.SUCCEEDED : StepStatus.FAILED,
                    detail);
            return;
        }
        if (!run.currentGroup().contains(index)) {
            return;
        }
        if (ack.outcome() == AckOutcome.VETOED
                && current.action() == StepAction.PREFLIGHT_HOOK
                && current.status() == StepStatus.RUNNING) {
            vetoed(w, current, ack, detail);
            return;
        }
        if (ack.outcome() == AckOutcome.SUCCEEDED) {
            w.run = w.run.with(finished(w, current, StepStatus.SUCCEEDED, detail))
                    .with(timer.idle());
            // while paused, the answers of a failed step's still-running siblings are recorded too
            if (w.phase == Phase.SWITCHING) {
                advance(w);
            }
        } else if (current.status() == StepStatus.RUNNING) {
            if (!provesNotDone(w, ack, timer)) {
                w.run = w.run.with(timer.givenUp());
            }
            attemptFailed(w, w.run.step(index), Failure.of(ack.outcome()), detail, ack.fenceEpoch(), ack.errorCode());
        }
    }

    /**
     * A pre-flight hook said no. Nothing has changed yet (pre-flight hooks run before every step that changes
     * something), so the plan stops as an abort would: fenced with a new epoch, the application where it was,
     * and no automatic failover tried again for this outage. A decision that overrides PREFLIGHT_VETO
     * (break-glass) records the veto and goes on.
     */
    private static void vetoed(WorkingState w, StepProgress current, CommandAck ack, String detail) {
        FailoverDecision decision = w.run.decision();
        String hook = w.run.planStep(current.index()).hook();
        String reason = ack.detail() == null || ack.detail().isBlank() ? "no reason given" : ack.detail();
        if (decision.overriddenRules().contains(SafetyRule.PREFLIGHT_VETO)) {
            w.run = w.run.with(finished(
                            w,
                            current,
                            StepStatus.SUCCEEDED,
                            "vetoed, overridden (break-glass PREFLIGHT_VETO): " + reason))
                    .with(w.run.timer(current.index()).idle());
            w.alert(
                    AlertCode.PREFLIGHT_VETO_OVERRIDDEN,
                    "pre-flight hook " + hook + " vetoed " + describe(decision) + ": " + reason
                            + "; the decision overrides PREFLIGHT_VETO, so the plan goes on",
                    null,
                    decision.id());
            if (w.phase == Phase.SWITCHING) {
                advance(w);
            }
            return;
        }
        w.run = w.run.with(finished(w, current, StepStatus.FAILED, detail))
                .with(w.run.timer(current.index()).idle());
        w.alert(
                AlertCode.PREFLIGHT_VETOED,
                "pre-flight hook " + hook + " vetoed " + describe(decision) + ": " + reason
                        + "; the plan stops before anything changed"
                        + (decision.kind() == DecisionKind.AUTOMATIC_FAILOVER
                                ? " and no automatic failover is tried again for this outage"
                                : "")
                        + ". To switch anyway: "
                        + (decision.kind() == DecisionKind.FAILBACK
                                ? "mrmctl failback " + w.applicationId()
                                : "mrmctl failover " + w.applicationId() + " --to " + decision.toRegion())
                        + " --override " + SafetyRule.PREFLIGHT_VETO,
                null,
                decision.id());
        abort(w, "pre-flight hook " + hook, "vetoed: " + reason);
    }

    /**
     * A pre-flight hook vetoed after its last attempt's deadline, when the plan had already gone on without its
     * word. While nothing but pre-flight hooks has run the veto still stops the plan cleanly; once something was
     * sent it is too late to stop without leaving a split, so the switch goes on and the veto is raised.
     */
    private static void lateVeto(WorkingState w, StepProgress current, CommandAck ack) {
        if (w.phase != Phase.SWITCHING && w.phase != Phase.PAUSED) {
            return;
        }
        String reason = ack.detail() == null || ack.detail().isBlank() ? "no reason given" : ack.detail();
        boolean nothingChanged = w.run.steps().stream()
                .allMatch(s -> s.action() == StepAction.PREFLIGHT_HOOK || s.status() == StepStatus.PENDING);
        if (nothingChanged) {
            vetoed(w, current, ack, "VETOED after its last deadline: " + reason);
            return;
        }
        w.run = w.run.with(finished(
                w, current, StepStatus.SKIPPED, "vetoed after the switch went on without its answer: " + reason));
        FailoverDecision decision = w.run.decision();
        w.alert(
                AlertCode.PREFLIGHT_VETO_LATE,
                "pre-flight hook " + w.run.planStep(current.index()).hook() + " vetoed " + describe(decision) + ": "
                        + reason + ", but only after its last attempt's deadline; the switch had gone on without its"
                        + " answer and is not stopped half-way. If it must not happen: mrmctl abort "
                        + w.applicationId() + " " + decision.id()
                        + " --reason ... (the components may then be split), or switch back once it is done",
                null,
                decision.id());
    }

    private static String describe(FailoverDecision decision) {
        return decision.kind() + " " + decision.id() + " (" + decision.fromRegion() + " -> " + decision.toRegion()
                + ")";
    }

    /**
     * Whether a failure answer shows the step did not take effect: an actuator's own failure, in time.
     * A stale refusal, or an answer after the attempt's deadline (the command may have been delivered
     * before and executed, its success lost), proves nothing about an earlier delivery.
     */
    private static boolean provesNotDone(WorkingState w, CommandAck ack, PlanRun.StepTimer timer) {
        return ack.outcome() != AckOutcome.REJECTED_STALE
                && timer.attemptDeadline() != null
                && !w.now.isAfter(timer.attemptDeadline());
    }

    private static void attemptFailed(
            WorkingState w, StepProgress current, Failure failure, String detail, Long fenceEpoch, String errorCode) {
        int limit = w.run.timer(current.index()).attemptLimit();
        if (w.run.tryingGraceful()
                && w.run.gracefulTry(current.index())
                && failure != Failure.STALE
                && w.phase == Phase.SWITCHING) {
            Duration backoff = w.policy.retryBackoff().multipliedBy(1L << Math.min(10, current.attempts() - 1));
            boolean retryInTime = failure.retriable()
                    && current.attempts() < limit
                    && w.run.drainDeadline() != null
                    && w.now.plus(backoff).isBefore(w.run.drainDeadline());
            if (!retryInTime) {
                // a step of the graceful try that cannot succeed in time: forced instead, never a pause
                w.run = w.run.with(new StepProgress(
                                current.index(),
                                current.action(),
                                current.region(),
                                current.status(),
                                current.attempts(),
                                current.startedAt(),
                                null,
                                Texts.clip(detail)))
                        .with(w.run.timer(current.index()).idle()); // this attempt has ended
                fallBack(
                        w,
                        (backlogTooLarge(current, failure, errorCode)
                                        ? "the backlog on " + current.region()
                                                + " is larger than failover-drain-max-backlog ("
                                                + w.policy.failoverDrainMaxBacklogBytes()
                                                + " bytes), so it was not drained; "
                                        : "")
                                + "step " + current.index() + " (" + current.action() + " " + current.region() + ") "
                                + (failure == Failure.FATAL ? "cannot succeed" : "did not succeed in time") + ": "
                                + detail);
                return;
            }
        }
        if (failure.retriable() && w.phase == Phase.SWITCHING && current.attempts() < limit) {
            Duration backoff = w.policy.retryBackoff().multipliedBy(1L << Math.min(10, current.attempts() - 1));
            w.run = w.run.with(new StepProgress(
                            current.index(),
                            current.action(),
                            current.region(),
                            StepStatus.RUNNING,
                            current.attempts(),
                            current.startedAt(),
                            null,
                            Texts.clip(detail + "; retrying at " + w.now.plus(backoff))))
                    .with(w.run.timer(current.index()).retryingAt(w.now.plus(backoff)));
            return;
        }
        if (current.action() == StepAction.PREFLIGHT_HOOK && failure.retriable() && w.phase == Phase.SWITCHING) {
            // no answer is no veto: a hook that cannot be reached (it may live in the region that failed) must not
            // hold a switch up; only its VETO stops one. A fatal failure is an answer (the hook is not configured
            // as a pre-flight hook, or refused the request): going on would switch without ever asking it, so
            // the plan pauses like any fatal failure
            w.run = w.run.with(finished(w, current, StepStatus.SKIPPED, UNANSWERED + detail))
                    .with(w.run.timer(current.index()).idle());
            w.alert(
                    AlertCode.PREFLIGHT_HOOK_UNANSWERED,
                    "pre-flight hook " + w.run.planStep(current.index()).hook() + " of "
                            + describe(w.run.decision()) + " gave no answer after " + current.attempts()
                            + " attempt(s) (" + detail + "); the switch goes on without its word",
                    null,
                    w.run.decision().id());
            advance(w); // starts the next group once no other pre-flight hook of this one still runs
            return;
        }
        w.run = w.run.with(finished(w, current, StepStatus.FAILED, detail))
                .with(w.run.timer(current.index()).idle());
        w.phase = Phase.PAUSED;
        String where = "step " + current.index() + " (" + current.action() + " " + current.region() + ")";
        if (failure == Failure.STALE) {
            w.alert(
                    AlertCode.STALE_EPOCH,
                    where + " was refused as stale: the " + current.action().actuator()
                            + " actuator holds epoch " + (fenceEpoch == null ? "(not reported)" : fenceEpoch)
                            + " above "
                            + w.run.epoch() + " (" + detail
                            + "); resume re-issues the plan under a new epoch above it, "
                            + "or abort",
                    null,
                    w.run.decision().id());
        } else {
            w.alert(
                    AlertCode.PLAN_PAUSED,
                    where + " failed after " + current.attempts() + " attempt(s): " + detail
                            + "; resume, skip or abort",
                    null,
                    w.run.decision().id());
        }
    }

    /** A drain the actuator refused because the backlog exceeded the bound it carried. */
    private static boolean backlogTooLarge(StepProgress step, Failure failure, String errorCode) {
        return step.action() == StepAction.DATA_DRAIN
                && failure == Failure.FATAL
                && DataDrainCommand.BACKLOG_TOO_LARGE.equals(errorCode);
    }

    /** The first unfinished step of the graceful try, or -1. */
    private static int unfinishedGracefulTry(PlanRun run) {
        for (StepProgress step : run.steps()) {
            if (run.gracefulTry(step.index()) && !PlanRun.done(step)) {
                return step.index();
            }
        }
        return -1;
    }

    /**
     * Gives up the graceful try of an automatic failover: what is left of the steps that need the
     * region being left is skipped (an attempt in flight may still take effect: it only demotes, drains
     * or fences that region; a late success is recorded), and the promote goes on FORCED at once with a
     * fresh set of attempts.
     */
    private static void fallBack(WorkingState w, String why) {
        w.run = w.run.fallenBack();
        for (StepProgress step : w.run.steps()) {
            int index = step.index();
            if (!w.run.gracefulTry(index) || PlanRun.done(step)) {
                continue;
            }
            PlanRun.StepTimer timer = w.run.timer(index);
            if (step.action() == StepAction.DATA_PROMOTE) {
                // a graceful attempt still in flight is not awaited: its deadline is the bound, and an answer
                // to it no longer moves the plan (a late success still counts); the forced attempt queues
                // behind it at the actuator, which runs an application's commands one at a time
                int limit = step.attempts() + w.policy.stepMaxAttempts();
                w.run = w.run.with(new StepProgress(
                                index,
                                step.action(),
                                step.region(),
                                StepStatus.PENDING,
                                step.attempts(),
                                step.startedAt(),
                                null,
                                step.detail()))
                        .with(timer.withLimit(limit));
                continue;
            }
            w.run = w.run.with(finished(w, step, StepStatus.SKIPPED, FELL_BACK + why))
                    .with(timer.attemptDeadline() != null ? timer.givenUp() : timer.idle());
        }
        FailoverDecision decision = w.run.decision();
        w.alert(
                AlertCode.FAILOVER_FELL_BACK,
                "automatic failover " + decision.id() + " (" + decision.fromRegion()
                        + " -> " + decision.toRegion() + ") falls back to forced: " + why + "; what "
                        + decision.fromRegion()
                        + " held and had not replicated is left behind (the promote measures it)",
                null,
                decision.id());
        advance(w);
    }

    /**
     * Which way a failover went and what it left behind, for the audit: the path (graceful, or forced
     * and why), the promote's own account of the old primary (fenced or not, data left behind), and
     * whether the old broker was demoted and drained before the new one took over.
     */
    private static void reportPath(WorkingState w) {
        PlanRun run = w.run;
        FailoverDecision decision = run.decision();
        if (decision.kind() != DecisionKind.AUTOMATIC_FAILOVER && decision.mode() != FailoverMode.FORCED) {
            return;
        }
        boolean graceful = run.mode() == FailoverMode.GRACEFUL;
        StringBuilder text = new StringBuilder(decision.kind() + " " + decision.id() + " (" + decision.fromRegion()
                + " -> " + decision.toRegion() + ") completed on the " + (graceful ? "graceful" : "forced") + " path");
        if (decision.drainsFirst()) {
            text.append(
                    graceful
                            ? " (within its bound of " + seconds(decision.drainWithinMs()) + ")"
                            : " (its graceful try gave up)");
        }
        for (StepProgress step : run.steps()) {
            if (step.action() == StepAction.DATA_PROMOTE && step.status() == StepStatus.SUCCEEDED) {
                text.append("; data: ").append(step.detail());
            }
        }
        text.append("; events: ").append(eventsPath(run));
        w.alert(
                graceful ? AlertCode.FAILOVER_DRAINED : AlertCode.FAILOVER_FORCED,
                text.toString(),
                null,
                decision.id());
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String eventsPath(PlanRun run) {
        StepProgress demoted = null;
        StepProgress drained = null;
        for (StepProgress step : run.steps()) {
            if (run.bestEffort(step.index())
                    || !step.region().equals(run.decision().fromRegion())) {
                continue;
            }
            if (step.action() == StepAction.EVENTS_SET_STANDBY) {
                demoted = step;
            } else if (step.action() == StepAction.EVENTS_DRAIN) {
                drained = step;
            }
        }
        if (demoted == null && drained == null) {
            return run.decision().plan().stream()
                            .anyMatch(s -> s.action().actuator() == io.mrm.events.decision.Actuator.AEM)
                    ? "the old broker was not demoted before the new one took over: messages it accepted and had not "
                            + "replicated are left in its replication queue"
                    : "not part of the plan";
        }
        String result = demoted == null
                ? ""
                : demoted.status() == StepStatus.SUCCEEDED
                        ? "old broker demoted before the new one took over"
                        : "old broker not demoted before the new one took over (" + demoted.status() + "): messages it "
                                + "accepted and had not replicated are left in its replication queue";
        if (drained != null) {
            result += (result.isEmpty() ? "" : ", ") + "replication queue drained: " + drained.status()
                    + (drained.status() == StepStatus.SUCCEEDED ? "" : " (" + drained.detail() + ")");
        }
        return result;
    }

    private static void bestEffortEnded(WorkingState w, StepProgress current, StepStatus status, String detail) {
        w.run = w.run.with(finished(w, current, status, detail))
                .with(w.run.timer(current.index()).idle());
    }

    /** An answer to a plan already aborted: it still tells what took effect. */
    private static void lateAnswer(WorkingState w, StepProgress current, CommandAck ack, String detail) {
        boolean tookEffect = ack.outcome() == AckOutcome.SUCCEEDED;
        PlanRun.StepTimer timer = w.run.timer(current.index());
        PlanRun.StepTimer after = tookEffect || provesNotDone(w, ack, timer) ? timer.idle() : timer.givenUp();
        w.run = w.run.with(finished(
                        w,
                        current,
                        tookEffect ? StepStatus.SUCCEEDED : StepStatus.FAILED,
                        (tookEffect ? "took effect after the abort: " : "answered after the abort: ") + detail))
                .with(after);
        Divergence.recordLateEffect(w); // a success moved something; a failure in time says it did not
    }

    /** Starts the next group once every step of the current one is done, or completes the plan. */
    private static void advance(WorkingState w) {
        w.phase = Phase.SWITCHING;
        if (w.run.currentIndex() >= 0) {
            startDue(w);
            return;
        }
        complete(w);
    }

    private static void complete(WorkingState w) {
        for (int index : w.run.bestEffortDue()) {
            sendAttempt(w, index); // the fences after the last ordinary step: in flight, kept as duties
        }
        FailoverDecision decision = w.run.decision();
        reportPath(w);
        w.phase = Phase.STEADY;
        if (decision.kind() != DecisionKind.REPROTECT) {
            w.active = decision.toRegion();
            w.standby = decision.fromRegion();
        }
        if (w.placement != null) {
            w.placement = null;
            w.alert(
                    AlertCode.CONVERGED,
                    "every component is in " + w.active + " again (decision " + decision.id() + ")",
                    null,
                    decision.id());
        }
        // hold-down runs from the switch's end, not its start: a plan paused for hours must not be
        // followed by an automatic flip back seconds after it completes
        w.holdDownUntil = null;
        w.extendHoldDown();
        PendingFences.handOver(w, decision.toRegion());
        PendingFences.keepUnfinished(w, w.run);
    }

    static StepProgress finished(WorkingState w, StepProgress step, StepStatus status, String detail) {
        return new StepProgress(
                step.index(),
                step.action(),
                step.region(),
                status,
                step.attempts(),
                step.startedAt(),
                w.now,
                Texts.clip(detail));
    }

    // ---- operators -------------------------------------------------------------------------------

    /**
     * Stops the plan. Fences with a new epoch (commands still in flight become stale at every actuator
     * that sees a newer one, and their answers no longer move the plan), records what took effect, and
     * says where each component now is: all in one region (STEADY) or split (DIVERGED).
     */
    static void abort(WorkingState w, String operator, String reason) {
        PlanRun run = w.run;
        for (StepProgress step : run.steps()) {
            if (step.status() == StepStatus.RUNNING) {
                // the deadline stays: an answer that still comes tells whether it took effect
                w.run = w.run.with(finished(
                                w,
                                step,
                                StepStatus.FAILED,
                                "aborted by " + operator + " while running: it may have taken effect"))
                        .with(w.run.timer(step.index()).orphaned());
            }
        }
        w.run = w.run.abortedRun();
        w.nextEpoch();
        PendingFences.keepAfterAbort(w, w.run);
        Divergence.afterAbort(w, operator, reason);
    }

    /**
     * Resumes a paused plan, or an aborted one that left the components split, under a new epoch: its
     * commands then pass actuators that refused the old one as stale, and answers to the old epoch's
     * attempts no longer count.
     */
    static void resume(WorkingState w, String operator) {
        long epoch = w.nextEpoch();
        if (w.run.aborted()) {
            w.run = w.run.resumedRun(epoch);
        } else {
            w.run = w.run.withEpoch(epoch);
        }
        for (StepProgress step : w.run.steps()) {
            if (!PlanRun.done(step) && !w.run.bestEffort(step.index())) {
                int limit = step.attempts() + w.policy.stepMaxAttempts();
                w.run = w.run.with(new StepProgress(
                                step.index(),
                                step.action(),
                                step.region(),
                                StepStatus.PENDING,
                                step.attempts(),
                                step.startedAt(),
                                null,
                                step.detail()))
                        .with(w.run.timer(step.index()).withLimit(limit));
            }
        }
        // fences of the target kept at the abort are the plan's own steps again
        PendingFences.handOver(w, w.run.decision().toRegion());
        w.alert(
                AlertCode.PLAN_RESUMED,
                "decision " + w.run.decision().id() + " resumed by " + operator + " under epoch " + epoch,
                null,
                w.run.decision().id());
        advance(w);
    }

    /** Marks a failed step of the current group skipped (break-glass) and moves on when the group allows. */
    static String skip(WorkingState w, int index, String operator, String reason) {
        if (!w.run.currentGroup().contains(index) || w.run.step(index).status() != StepStatus.FAILED) {
            return "step " + index + " is not a failed step of the current group " + w.run.currentGroup();
        }
        w.run = w.run.with(finished(
                w, w.run.step(index), StepStatus.SKIPPED, "skipped by " + operator + " (break-glass): " + reason));
        boolean stillFailed =
                w.run.currentGroup().stream().anyMatch(i -> w.run.step(i).status() == StepStatus.FAILED);
        if (!stillFailed) {
            advance(w);
        }
        return null;
    }
}
