package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;
import java.util.List;

/**
 * Invariant 1: at most one plan in flight. While a plan runs (SWITCHING, PAUSED) it is the latest
 * decision's; a new plan starts only when none runs (or the step's input ended it); at most one plan starts per step; and the commands of
 * two decisions never interleave, except the fences an earlier forced failover left as duties.
 */
final class OnePlanInFlight extends Check {

    OnePlanInFlight() {
        super("ONE_PLAN_IN_FLIGHT");
    }

    /** The step's input may end the running plan: an accepted abort, or an answer that may complete it. */
    private static boolean endsPlan(CoreStep step) {
        String running = step.before().lastDecisionId();
        if (Ledger.accepted(step, io.mrm.events.operator.AbortRequest.class)) {
            return true;
        }
        if (step.input() instanceof io.mrm.events.ack.CommandAck ack) {
            return ack.step().decisionId().equals(running);
        }
        return Ledger.accepted(step, io.mrm.events.operator.ResumeRequest.class)
                || Ledger.accepted(step, io.mrm.events.operator.SkipStepRequest.class);
    }

    @Override
    void afterStep(CoreStep step) {
        ApplicationState before = step.before();
        ApplicationState after = step.after();
        List<FailoverDecision> decisions = Steps.outputs(step, FailoverDecision.class);
        // a proposal may be superseded by an automatic failover in the step that made it; two plans never start
        if (decisions.stream()
                        .filter(d -> d.status() == DecisionStatus.EXECUTING)
                        .count()
                > 1) {
            fail(step.nowMs(), decisions.size() + " decisions execute in one step: " + decisions);
        }
        boolean running = after.phase() == Phase.SWITCHING || after.phase() == Phase.PAUSED;
        if (running && (after.run() == null || !after.run().decision().id().equals(after.lastDecisionId()))) {
            io.mrm.events.decision.FailoverDecision latest =
                    c().ledger.decisions.get(after.lastDecisionId());
            fail(
                    step.nowMs(),
                    "phase " + after.phase() + " but the plan in flight"
                            + (after.run() == null
                                    ? ""
                                    : " (" + Describe.id(after.run().decision().id()) + ")")
                            + " is not the latest decision " + Describe.id(after.lastDecisionId())
                            + (latest != null && latest.status() == DecisionStatus.PROPOSED
                                    ? ", a proposal that ended: the topology names the wrong decision"
                                    : ""));
        }
        for (FailoverDecision d : decisions) {
            // an abort, or the answer (resume, skip) that completes the running plan, ends it first in the
            // same step; the rules may then start another
            if (d.status() == DecisionStatus.EXECUTING
                    && before != null
                    && (before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED)
                    && !endsPlan(step)) {
                fail(
                        step.nowMs(),
                        "decision " + Describe.id(d.id()) + " starts a plan while "
                                + Describe.id(before.lastDecisionId()) + " is " + before.phase());
            }
        }
        String current = after.run() == null ? null : after.run().decision().id();
        for (StepCommand c : Steps.outputs(step, StepCommand.class)) {
            String of = c.step().decisionId();
            boolean fence = c.action() == StepAction.DATA_FENCE || c.action() == StepAction.EVENTS_SET_STANDBY;
            String region = Describe.regions(c).get(0);
            if (!of.equals(current) && !(fence && c().ledger.fences(of, c.action(), region))) {
                fail(
                        step.nowMs(),
                        "command " + Describe.command(c) + " of decision " + Describe.id(of)
                                + " interleaves with the plan of " + Describe.id(current)
                                + " and is not a pending fence");
            }
        }
    }
}
