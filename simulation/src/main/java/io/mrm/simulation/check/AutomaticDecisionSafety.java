package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;
import io.mrm.simulation.run.Trace;

/**
 * Invariant 3: no automatic decision (by the engine: executed, or proposed in mode MANUAL) while frozen,
 * in hold-down (unless this very step acknowledged it), beyond the per-window cap, out of a region a
 * quorum of fresh vantages did not see DOWN, or towards one a quorum of fresh vantages did not see UP —
 * each judged by the oracles from what the engine was told, not by the core's own code. An approved
 * automatic proposal must still go to a region seen UP (the approval re-checks it).
 */
final class AutomaticDecisionSafety extends Check {

    AutomaticDecisionSafety() {
        super("AUTOMATIC_DECISION_SAFE");
    }

    @Override
    void afterStep(CoreStep step) {
        FailoverDecision d = Steps.decision(step);
        if (d == null || d.kind() != DecisionKind.AUTOMATIC_FAILOVER) {
            return;
        }
        long now = step.nowMs();
        HealthOracle health = c().health;
        if (!d.requestedBy().equals(FailoverDecision.ENGINE)) {
            if (!health.up(d.toRegion(), now)) {
                fail(
                        now,
                        "approved automatic failover " + Describe.id(d.id()) + " goes to " + d.toRegion()
                                + ", which a quorum of fresh vantages does not see UP: "
                                + health.describe(d.toRegion(), now));
            }
            return;
        }
        String why = null;
        if (frozen(step, c().safety)) {
            why = "the application is frozen";
        } else if (inHoldDown(step, c().safety)) {
            why = Checker.completed(step)
                    ? "a plan completed in this very step (its hold-down starts now)"
                    : "hold-down lasts until " + Trace.clock(c().safety.holdDownUntil());
        } else if (d.status() == DecisionStatus.EXECUTING
                && c().safety.automaticFailoversInWindow(now) >= c().policy.maxFailoversPerWindow()) {
            String forgotten = c().safety.forgotten(now);
            why = c().safety.automaticFailoversInWindow(now) + " automatic failovers in the window already (cap "
                    + c().policy.maxFailoversPerWindow() + " per " + c().policy.failoverWindow() + ")"
                    + (forgotten == null ? "" : "; " + forgotten);
        } else if (!health.down(d.fromRegion(), now)) {
            why = d.fromRegion() + " is not seen DOWN by a quorum of fresh vantages: "
                    + health.describe(d.fromRegion(), now);
        } else if (!health.up(d.toRegion(), now)) {
            why = d.toRegion() + " is not seen UP by a quorum of fresh vantages: " + health.describe(d.toRegion(), now);
        }
        if (why != null) {
            fail(
                    now,
                    "automatic decision " + Describe.id(d.id()) + " " + d.status() + " " + d.fromRegion() + "->"
                            + d.toRegion() + " although " + why);
        }
    }

    /** Frozen when the core evaluated this step: its request (if any) applied first. */
    static boolean frozen(CoreStep step, SafetyOracle safety) {
        if (Ledger.accepted(step, FreezeRequest.class)) {
            return true;
        }
        return !Ledger.accepted(step, UnfreezeRequest.class) && safety.frozen();
    }

    /**
     * Certainly in hold-down when the core evaluated this step: an acknowledgement in it ends the hold-down,
     * a plan that completed in it starts one.
     */
    static boolean inHoldDown(CoreStep step, SafetyOracle safety) {
        if (Checker.completed(step)) {
            return true;
        }
        return !Ledger.accepted(step, AcknowledgeHoldDownRequest.class) && safety.inHoldDown(step.nowMs());
    }

    /** Perhaps in hold-down: as above, or an abort (in this step or before) may have started one. */
    static boolean maybeInHoldDown(CoreStep step, SafetyOracle safety) {
        ApplicationState before = step.before();
        boolean planRan = before != null && (before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED);
        if (inHoldDown(step, safety) || (planRan && Ledger.accepted(step, AbortRequest.class))) {
            return true;
        }
        return !Ledger.accepted(step, AcknowledgeHoldDownRequest.class) && safety.maybeInHoldDown(step.nowMs());
    }
}
