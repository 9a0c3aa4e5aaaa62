package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.PlanRun;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;
import io.mrm.simulation.run.Trace;

/**
 * Invariant 7: every plan ends — completes (STEADY), is aborted (STEADY or DIVERGED), or pauses with a
 * PLAN_PAUSED or STALE_EPOCH alert — within a bound derived from the policy: for every ordinary step not
 * done, for each attempt it may still make, the step timeout, the backoff before it (doubling per attempt
 * as the core does) and two tick intervals (a missed deadline and a due retry are noticed at a tick), plus
 * a second per step; counted from the decision or the resume, and extended by the time the engine was down.
 * A proposal ends (approved, rejected, withdrawn, superseded or expired) at the first step at or after
 * its time plus proposal-timeout.
 */
final class PlansEnd extends Check {

    private String plan;
    private long deadlineMs;
    private long downSinceMs = -1;

    PlansEnd() {
        super("PLANS_END");
    }

    @Override
    void afterStep(CoreStep step) {
        long now = step.nowMs();
        ApplicationState before = step.before();
        ApplicationState after = step.after();
        FailoverDecision d = Steps.decision(step);
        if ((d != null && d.status() == DecisionStatus.EXECUTING) || Ledger.accepted(step, ResumeRequest.class)) {
            plan = after.lastDecisionId();
            deadlineMs = now + bound(after);
        }
        if (after.phase() == Phase.SWITCHING && plan != null && now > deadlineMs) {
            fail(
                    now,
                    "plan " + Describe.id(plan) + " still SWITCHING at the bound " + Trace.clock(deadlineMs)
                            + " derived from the policy: " + after.run().steps());
        }
        if (before != null
                && before.phase() == Phase.SWITCHING
                && after.phase() == Phase.PAUSED
                && !Steps.alerted(step, "PLAN_PAUSED")
                && !Steps.alerted(step, "STALE_EPOCH")) {
            fail(
                    now,
                    "plan " + Describe.id(after.lastDecisionId())
                            + " paused without a PLAN_PAUSED or STALE_EPOCH alert");
        }
        if (after.phase() != Phase.SWITCHING) {
            plan = null;
        }
        if (after.phase() == Phase.PROPOSED && Steps.evaluated(step)) {
            FailoverDecision proposal = after.run().decision();
            if (now
                    >= io.mrm.simulation.world.VirtualTime.ms(proposal.time())
                            + c().policy.proposalTimeout().toMillis()) {
                fail(
                        now,
                        "proposal " + Describe.id(proposal.id()) + " of " + proposal.time() + " still waits after "
                                + "proposal-timeout " + c().policy.proposalTimeout());
            }
        }
    }

    @Override
    void engineStopped(long nowMs) {
        downSinceMs = nowMs;
    }

    @Override
    void engineStarted(long nowMs) {
        if (downSinceMs >= 0) {
            deadlineMs += nowMs - downSinceMs; // the engine was down: its timers could not fire
            downSinceMs = -1;
        }
    }

    private long bound(ApplicationState after) {
        ApplicationPolicy p = c().policy;
        PlanRun run = after.run();
        long total = 0;
        for (StepProgress step : run.steps()) {
            PlanStep planned = run.decision().plan().get(step.index());
            if (Boolean.TRUE.equals(planned.bestEffort())
                    || step.status() == StepStatus.SUCCEEDED
                    || step.status() == StepStatus.SKIPPED) {
                continue;
            }
            int limit = run.timers().get(step.index()).attemptLimit();
            for (int attempt = Math.max(1, step.attempts()); attempt <= limit; attempt++) {
                long backoff = p.retryBackoff().toMillis() << Math.min(10, Math.max(0, attempt - 1));
                total += planned.timeoutMs() + backoff + 2 * c().tickMs;
            }
            total += 1_000;
        }
        return total;
    }
}
