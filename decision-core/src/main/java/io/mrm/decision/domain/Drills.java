package io.mrm.decision.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.operator.DrillRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Drills: the application's real plan run in rehearsal, beside the real state.
 *
 * <ul>
 *   <li>Asked for like a manual failover (operator role; under the two-person rule a proposal that another
 *       operator approves), and accepted only while the application is STEADY and no other drill runs.</li>
 *   <li>Its decision (kind DRILL) carries the current epoch, never a new one; its commands are rehearsals
 *       ({@link StepRef#rehearsing()}), sent group by group as the real plan would send them. The real phase,
 *       epoch, fences and automatic-failover rules are untouched.</li>
 *   <li>A step that fails does not pause the drill: it is recorded and the next steps run (a rehearsal should
 *       find every problem); a retriable failure is retried within the step's attempts, as a real step is; a
 *       step past its deadline is recorded as timed out.</li>
 *   <li>A real decision (automatic or manual) cancels the drill first; answers to it are ignored from then on.</li>
 *   <li>At the end, DRILL_COMPLETED or DRILL_FAILED with the predicted RTO: detection plus the steps' measured
 *       times (a parallel group counts its longest step), beside the last real run's measured RTO.</li>
 * </ul>
 *
 * <p>Detection is the last real automatic failover's, as its decision measured it (from the earliest
 * observation of its evidence to the decision): the one this engine, with these monitors, really took. Before
 * any automatic failover there is no such figure, and the prediction says so and counts the steps alone.
 */
final class Drills {

    static final String TIMED_OUT = "timed out: ";

    private Drills() {}

    /** Null when the drill is accepted (started, or proposed under the two-person rule), else why not. */
    static String request(WorkingState w, DrillRequest request) {
        if (w.phase != Phase.STEADY) {
            return "a drill runs only while the application is STEADY; it is " + w.phase
                    + " (a decision is proposed, running, paused, or the components are split)";
        }
        if (w.drill != null && w.drill.status().active()) {
            return "drill " + w.drill.decision().id() + " is " + w.drill.status()
                    + "; one drill at a time (abort it with mrmctl abort " + w.applicationId() + " "
                    + w.drill.decision().id() + ")";
        }
        String target = request.targetRegion() == null ? w.standby : request.targetRegion();
        if (!w.policy.hasRegion(target)) {
            return target + " is not a region of " + w.policy.applicationId();
        }
        if (target.equals(w.active)) {
            return target + " is already active: a drill rehearses a switch to the other region";
        }
        boolean proposed = w.policy.twoPersonRule();
        FailoverDecision decision = PlanBuilder.drill(
                w,
                new PlanBuilder.Switch(
                        DecisionKind.DRILL,
                        request.mode(),
                        proposed ? DecisionStatus.PROPOSED : DecisionStatus.EXECUTING,
                        w.policy.otherRegion(target),
                        target,
                        request.reason()
                                + (proposed
                                        ? "; two-person rule: waiting for approval by an approver other than "
                                                + request.operator()
                                        : ""),
                        request.operator(),
                        request.id(),
                        List.of(),
                        List.<Evidence>of(),
                        w.policy.steps()));
        w.outputs.add(decision);
        w.drill = DrillRun.start(decision, proposed ? DrillRun.Status.PROPOSED : DrillRun.Status.RUNNING);
        if (proposed) {
            w.acceptedAs = "drill proposed; the two-person rule needs another approver: mrmctl approve "
                    + w.applicationId() + " " + decision.id();
        } else {
            w.acceptedAs = "drill started (a rehearsal: nothing is switched)";
            advance(w);
        }
        return null;
    }

    /** Whether {@code decisionId} names the drill now proposed or running. */
    static boolean isActive(WorkingState w, String decisionId) {
        return w.drill != null
                && w.drill.status().active()
                && w.drill.decision().id().equals(decisionId);
    }

    /** A second operator approves a proposed drill: it runs under a decision of its own (same epoch). */
    static String approve(WorkingState w, String operator, String requestId) {
        FailoverDecision proposal = w.drill.decision();
        if (w.drill.status() != DrillRun.Status.PROPOSED) {
            return "drill " + proposal.id() + " is " + w.drill.status() + ", not PROPOSED";
        }
        if (proposal.requestedBy().equals(operator)) {
            return "two-person rule: " + operator
                    + " asked for this DRILL and cannot approve it; another approver must";
        }
        if (w.phase != Phase.STEADY) {
            return "a drill runs only while the application is STEADY; it is " + w.phase;
        }
        FailoverDecision decision = PlanBuilder.drill(
                w,
                new PlanBuilder.Switch(
                        DecisionKind.DRILL,
                        proposal.mode(),
                        DecisionStatus.EXECUTING,
                        proposal.fromRegion(),
                        proposal.toRegion(),
                        "approved by " + operator + " (two-person rule), asked by " + proposal.requestedBy()
                                + " (request " + proposal.requestId() + ")",
                        operator,
                        requestId,
                        List.of(),
                        List.of(),
                        w.policy.steps()));
        w.outputs.add(decision);
        w.drill = DrillRun.start(decision, DrillRun.Status.RUNNING);
        advance(w);
        return null;
    }

    /** Ends a proposed or running drill without a result; its answers are ignored from then on. */
    static void cancel(WorkingState w, String why) {
        if (w.drill == null || !w.drill.status().active()) {
            return;
        }
        for (StepProgress step : w.drill.steps()) {
            if (step.status() == StepStatus.RUNNING) {
                w.drill = w.drill
                        .with(PlanExecution.finished(w, step, StepStatus.FAILED, "cancelled while running"))
                        .with(w.drill.timers().get(step.index()).idle());
            }
        }
        w.drill = w.drill.ended(DrillRun.Status.CANCELLED, w.now);
        String id = w.drill.decision().id();
        w.alert(AlertCode.DRILL_CANCELLED, "drill " + id + " cancelled: " + why, null, id);
    }

    // ---- running ------------------------------------------------------------------------------------

    /** Sends what is due in the current group, or ends the drill once every step is finished. */
    private static void advance(WorkingState w) {
        List<Integer> group = w.drill.currentGroup();
        if (group.isEmpty()) {
            end(w);
            return;
        }
        for (int index : group) {
            if (w.drill.steps().get(index).status() == StepStatus.PENDING) {
                send(w, index);
            }
        }
    }

    private static void send(WorkingState w, int index) {
        DrillRun drill = w.drill;
        PlanStep planStep = drill.planStep(index);
        StepProgress current = drill.steps().get(index);
        int attempt = current.attempts() + 1;
        Instant deadline = w.now.plusMillis(planStep.timeoutMs());
        StepRef ref = new StepRef(drill.decision().id(), drill.decision().epoch(), index, attempt, deadline, true);
        w.outputs.add(StepCommands.forStep(
                w.nextId(),
                w.applicationId(),
                w.now,
                planStep,
                ref,
                drill.decision().mode()));
        w.drill = drill.with(new StepProgress(
                        index,
                        current.action(),
                        current.region(),
                        StepStatus.RUNNING,
                        attempt,
                        current.startedAt() == null ? w.now : current.startedAt(),
                        null,
                        current.detail()))
                .with(drill.timers().get(index).sent(deadline));
    }

    /** Due retries and missed deadlines of the running drill. */
    static void checkTimers(WorkingState w) {
        if (w.drill == null || w.drill.status() != DrillRun.Status.RUNNING) {
            return;
        }
        boolean moved = false;
        for (int index : w.drill.currentGroup()) {
            PlanRun.StepTimer timer = w.drill.timers().get(index);
            StepProgress step = w.drill.steps().get(index);
            if (step.status() != StepStatus.RUNNING) {
                continue;
            }
            if (timer.retryAt() != null && !w.now.isBefore(timer.retryAt())) {
                send(w, index);
            } else if (timer.attemptDeadline() != null && w.now.isAfter(timer.attemptDeadline())) {
                w.drill = w.drill
                        .measured(
                                index, Duration.between(step.startedAt(), w.now).toMillis())
                        .with(PlanExecution.finished(
                                w,
                                step,
                                StepStatus.FAILED,
                                TIMED_OUT + "no acknowledgement of attempt " + step.attempts() + " before its deadline "
                                        + timer.attemptDeadline()))
                        .with(timer.idle());
                moved = true;
            }
        }
        if (moved) {
            advance(w);
        }
    }

    /**
     * An answer to a drill's command: true when it was one (whether it still counted or not), so that it
     * is never taken for an answer to the real plan.
     */
    static boolean onAck(WorkingState w, CommandAck ack) {
        if (w.drill == null
                || !ack.step().decisionId().equals(w.drill.decision().id())) {
            return ack.step().rehearsing(); // an answer to an older drill's rehearsal: ignored
        }
        DrillRun drill = w.drill;
        int index = ack.step().stepIndex();
        if (drill.status() != DrillRun.Status.RUNNING
                || ack.step().epoch() != drill.decision().epoch()
                || index >= drill.steps().size()) {
            return true; // cancelled or ended: late answers change nothing
        }
        StepProgress current = drill.steps().get(index);
        PlanRun.StepTimer timer = drill.timers().get(index);
        if (ack.action() != current.action()
                || current.status() != StepStatus.RUNNING
                || timer.attemptDeadline() == null
                || ack.step().attempt() != current.attempts()) {
            return true; // not the attempt awaited (a duplicate, an earlier attempt, another actuator's word)
        }
        String detail = ack.outcome()
                + (ack.errorCode() == null ? "" : " " + ack.errorCode())
                + (ack.detail() == null ? "" : ": " + ack.detail());
        w.drill = drill.measured(index, ack.durationMs());
        if (ack.outcome() == AckOutcome.FAILED_RETRIABLE && current.attempts() < timer.attemptLimit()) {
            Duration backoff = w.policy.retryBackoff().multipliedBy(1L << Math.min(10, current.attempts() - 1));
            w.drill = w.drill
                    .with(new StepProgress(
                            index,
                            current.action(),
                            current.region(),
                            StepStatus.RUNNING,
                            current.attempts(),
                            current.startedAt(),
                            null,
                            Texts.clip(detail + "; retrying at " + w.now.plus(backoff))))
                    .with(timer.retryingAt(w.now.plus(backoff)));
            return true;
        }
        StepStatus status = ack.outcome() == AckOutcome.SUCCEEDED ? StepStatus.SUCCEEDED : StepStatus.FAILED;
        w.drill =
                w.drill.with(PlanExecution.finished(w, current, status, detail)).with(timer.idle());
        advance(w);
        return true;
    }

    // ---- the end ------------------------------------------------------------------------------------

    private static void end(WorkingState w) {
        DrillRun drill = w.drill;
        List<String> failed = new ArrayList<>();
        for (StepProgress step : drill.steps()) {
            if (step.status() != StepStatus.SUCCEEDED) {
                failed.add("step " + step.index() + " (" + step.action() + " " + step.region() + "): " + step.detail());
            }
        }
        FailoverDecision decision = drill.decision();
        String head = "drill " + decision.id() + " (" + decision.fromRegion() + " -> " + decision.toRegion() + ", "
                + decision.mode() + ") ";
        String rto = "; " + predictedRto(w, drill);
        if (failed.isEmpty()) {
            w.drill = drill.ended(DrillRun.Status.COMPLETED, w.now);
            w.alert(AlertCode.DRILL_COMPLETED, head + "completed: every step would succeed" + rto, null, decision.id());
        } else {
            w.drill = drill.ended(DrillRun.Status.FAILED, w.now);
            w.alert(
                    AlertCode.DRILL_FAILED,
                    head + "found " + failed.size() + " failing step(s): " + String.join("; ", failed) + rto,
                    null,
                    decision.id());
        }
    }

    /** "predicted RTO …" with its parts, and the last real run's measured RTO when there is one. */
    static String predictedRto(WorkingState w, DrillRun drill) {
        long steps = drill.stepsMs();
        Long detection = lastDetectionMs(w);
        String text = detection == null
                ? "predicted RTO " + seconds(steps) + " = steps " + seconds(steps)
                        + " (detection not known yet: no automatic failover measured)"
                : "predicted RTO " + seconds(detection + steps) + " = detection " + seconds(detection)
                        + " (the last automatic failover's) + steps " + seconds(steps);
        Long last = lastRealRtoMs(w);
        return text
                + (last == null
                        ? "; no real run measured yet"
                        : "; last real run (" + w.run.decision().kind() + " "
                                + w.run.decision().id() + ") measured RTO " + seconds(last));
    }

    /** The last real run's detection: from the earliest observation of its evidence to its decision. */
    private static Long lastDetectionMs(WorkingState w) {
        if (w.run == null || w.run.decision().kind() != DecisionKind.AUTOMATIC_FAILOVER) {
            return null;
        }
        FailoverDecision decision = w.run.decision();
        return decision.evidence().stream()
                .map(Evidence::observedAt)
                .min(Instant::compareTo)
                .map(first ->
                        Math.max(0, Duration.between(first, decision.time()).toMillis()))
                .orElse(null);
    }

    /**
     * The last real run's measured RTO, when it completed: its detection (automatic failovers) plus the time
     * from its decision to its last ordinary step's end.
     */
    private static Long lastRealRtoMs(WorkingState w) {
        PlanRun run = w.run;
        if (run == null || run.aborted() || run.currentIndex() >= 0 || w.phase == Phase.PROPOSED) {
            return null;
        }
        Instant last = null;
        for (StepProgress step : run.steps()) {
            if (!run.bestEffort(step.index())
                    && step.finishedAt() != null
                    && (last == null || step.finishedAt().isAfter(last))) {
                last = step.finishedAt();
            }
        }
        if (last == null) {
            return null;
        }
        Long detection = lastDetectionMs(w);
        return Duration.between(run.decision().time(), last).toMillis() + (detection == null ? 0 : detection);
    }

    static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
