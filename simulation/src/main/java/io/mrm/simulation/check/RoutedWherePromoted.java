package io.mrm.simulation.check;

import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;
import io.mrm.simulation.world.DbRole;
import io.mrm.simulation.world.Region;

/**
 * Invariant 4: at the moment a DNS_ROUTE of decision D moves DNS to region R at epoch E, R's database is
 * the primary, promoted by D under an epoch not above E. Decisions that override a safety rule
 * (break-glass) or had a step skipped are excluded (and counted), as are runs after an engine reset. And a
 * GRACEFUL plan never sends its promote before the drain of the same decision was acknowledged SUCCEEDED
 * (unless an operator skipped a step of it).
 */
final class RoutedWherePromoted extends Check {

    RoutedWherePromoted() {
        super("ROUTED_WHERE_PROMOTED");
    }

    @Override
    void dnsMoved(String from, String to, long epoch, String decisionId, long nowMs) {
        if (c().resetHappened) {
            return;
        }
        FailoverDecision d = c().ledger.decisions.get(decisionId);
        if (d != null && (!d.overriddenRules().isEmpty() || c().ledger.skipped.contains(decisionId))) {
            checker.cover(Coverage.BREAK_GLASS_EXCLUDED);
            return;
        }
        Region r = c().world.region(to);
        if (r.dbRole() != DbRole.PRIMARY || !decisionId.equals(r.promotedBy()) || r.dbEpoch() > epoch) {
            fail(
                    nowMs,
                    "DNS moved " + from + "->" + to + " by decision " + Describe.id(decisionId) + " at epoch " + epoch
                            + ", but " + to + "'s database is " + r.dbRole() + "@" + r.dbEpoch() + " promoted by "
                            + Describe.id(r.promotedBy()) + "; " + c().world);
        } else {
            checker.cover(Coverage.DNS_ROUTE_CHECKED);
        }
    }

    @Override
    void afterStep(CoreStep step) {
        for (DataPromoteCommand promote : Steps.outputs(step, DataPromoteCommand.class)) {
            String id = promote.step().decisionId();
            FailoverDecision d = c().ledger.decisions.get(id);
            for (FailoverDecision made : Steps.outputs(step, FailoverDecision.class)) {
                d = made.id().equals(id) ? made : d; // decided in this very step
            }
            // the promote's own mode: an automatic failover that drains first sends GRACEFUL ones until it falls back
            if (d == null
                    || promote.mode() != FailoverMode.GRACEFUL
                    || d.plan().stream().noneMatch(s -> s.action() == StepAction.DATA_DRAIN)) {
                continue;
            }
            if (c().ledger.skipped.contains(id)) {
                checker.cover(Coverage.BREAK_GLASS_EXCLUDED);
            } else if (!c().ledger.drainSucceeded.contains(id)) {
                fail(
                        step.nowMs(),
                        "GRACEFUL plan " + Describe.id(id) + " sends its promote " + Describe.command(promote)
                                + " before any drain of it was acknowledged SUCCEEDED");
            } else {
                checker.cover(Coverage.GRACEFUL_PROMOTE_CHECKED);
                if (d.drainsFirst()) {
                    checker.cover(Coverage.DRAINED_FAILOVER_PROMOTE_CHECKED);
                }
            }
        }
    }
}
