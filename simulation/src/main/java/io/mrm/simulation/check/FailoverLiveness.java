package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;

/**
 * Invariant 9, the main promise: in mode AUTOMATIC, with the active region seen DOWN by a quorum of
 * fresh vantages and the standby seen UP by one, no plan running and no proposal waiting, not frozen,
 * out of hold-down, under the cap, and no operator having stopped a failover during this outage, the
 * engine decides a failover. The core applies its rules at every step (every input and every tick), so
 * the bound is exact: the step in which the conditions hold must decide; with ticks every tick interval,
 * that is at most one tick interval after they began to hold.
 */
final class FailoverLiveness extends Check {

    /**
     * An operator aborted or rejected an automatic failover, or aborted a running switch of their own, during
     * this outage: not again until it ends.
     */
    private boolean suppressed;

    FailoverLiveness() {
        super("FAILOVER_LIVENESS");
    }

    @Override
    void newLineage(CoreStep step) {
        suppressed = false;
    }

    @Override
    void afterStep(CoreStep step) {
        if (c().policy.mode() != DecisionMode.AUTOMATIC || !Steps.evaluated(step)) {
            return;
        }
        long now = step.nowMs();
        ApplicationState after = step.after();
        HealthOracle health = c().health;
        if (stoppedAutomaticFailover(step)) {
            suppressed = true;
        }
        if (!health.down(after.activeRegion(), now) || Steps.decision(step) != null) {
            suppressed = false;
        }
        if (Steps.decision(step) != null
                || after.phase() != Phase.STEADY
                || suppressed
                || AutomaticDecisionSafety.frozen(step, c().safety)
                || AutomaticDecisionSafety.maybeInHoldDown(step, c().safety)
                || c().safety.automaticFailoversInWindow(now) >= c().policy.maxFailoversPerWindow()) {
            return;
        }
        if (health.down(after.activeRegion(), now) && health.up(after.standbyRegion(), now)) {
            fail(
                    now,
                    after.activeRegion() + " is DOWN and " + after.standbyRegion() + " UP (quorum of fresh vantages), "
                            + "nothing running, not frozen, no hold-down, under the cap, yet no automatic failover: "
                            + health.describe(after.activeRegion(), now) + " / "
                            + health.describe(after.standbyRegion(), now));
        }
    }

    private boolean stoppedAutomaticFailover(CoreStep step) {
        String decisionId = step.input() instanceof AbortRequest a
                ? a.decisionId()
                : step.input() instanceof RejectRequest r ? r.decisionId() : null;
        if (decisionId == null) {
            return false;
        }
        FailoverDecision d = c().ledger.decisions.get(decisionId);
        if (d == null || Steps.outputs(step, RequestOutcome.class).stream().noneMatch(RequestOutcome::accepted)) {
            return false;
        }
        if (d.kind() == DecisionKind.AUTOMATIC_FAILOVER) {
            return true;
        }
        // a running switch of any kind that an operator aborted is not redone automatically in this outage
        return step.input() instanceof AbortRequest
                && step.before() != null
                && step.before().phase() != Phase.PROPOSED
                && d.kind() != DecisionKind.REPROTECT
                && d.kind() != DecisionKind.DRILL;
    }
}
