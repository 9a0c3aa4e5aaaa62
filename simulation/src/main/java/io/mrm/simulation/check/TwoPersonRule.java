package io.mrm.simulation.check;

import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.simulation.actors.CoreStep;

/** Nobody approves their own proposal: an accepted approval comes from someone other than the asker. */
final class TwoPersonRule extends Check {

    TwoPersonRule() {
        super("TWO_PERSON_RULE");
    }

    @Override
    void afterStep(CoreStep step) {
        if (step.input() instanceof ApproveRequest approve && Ledger.accepted(step, ApproveRequest.class)) {
            FailoverDecision proposal = c().ledger.decisions.get(approve.decisionId());
            if (proposal != null && proposal.requestedBy().equals(approve.operator())) {
                fail(step.nowMs(), approve.operator() + " approved their own proposal " + proposal.id());
            }
        }
    }
}
