package io.mrm.decision.domain;

import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.Phase;
import java.util.List;

/**
 * What the engine decides on its own when the active region is down: a failover (mode AUTOMATIC) or a
 * proposal (mode MANUAL), unless a safety rule blocks it — then an alert naming the rule. Also the
 * life of proposals: they expire, an automatic one is withdrawn when the region recovers, and an
 * outage while an operator's proposal waits is never met with silence.
 */
final class AutomaticFailover {

    private static final String BOTH_DOWN_KEY = "BOTH_REGIONS_DOWN";
    private static final String SAFETY_KEY = "SAFETY:";
    private static final String OUTAGE_DURING_PROPOSAL_KEY = "OUTAGE_DURING_PROPOSAL";
    private static final String OUTAGE_WHILE_DIVERGED_KEY = "OUTAGE_WHILE_DIVERGED";
    private static final String OUTAGE_WHILE_PAUSED_KEY = "OUTAGE_WHILE_PAUSED:";

    private AutomaticFailover() {}

    static void evaluate(WorkingState w) {
        if (w.phase == Phase.PROPOSED) {
            reviewProposal(w, HealthAssessment.health(w, w.active));
        }
        if (w.phase == Phase.DIVERGED) {
            watchSplit(w);
            return;
        }
        RegionHealth activeHealth = HealthAssessment.health(w, w.active);
        if (activeHealth != RegionHealth.DOWN) {
            w.raised.removeIf(key -> key.startsWith(SAFETY_KEY)
                    || key.startsWith(BOTH_DOWN_KEY)
                    || key.equals(WorkingState.SUPPRESSED)
                    || key.equals(OUTAGE_DURING_PROPOSAL_KEY)
                    || key.startsWith(OUTAGE_WHILE_PAUSED_KEY));
            return;
        }
        if (w.phase == Phase.STEADY && !w.raised.contains(WorkingState.SUPPRESSED)) {
            considerFailover(w);
        } else if (w.phase == Phase.PAUSED) {
            // a plan paused (perhaps long ago, for another reason) must not make an outage silent
            w.raiseOnce(
                    OUTAGE_WHILE_PAUSED_KEY + w.active,
                    AlertCode.OUTAGE_WHILE_PAUSED,
                    w.active + " is down while " + "decision "
                            + w.run.decision().id() + " is paused: resume, skip or abort it",
                    null);
        }
    }

    /**
     * While the components are split no automatic failover runs (the engine cannot tell what a plan
     * would start from), but an outage of any region that holds a component — or may: one whose
     * placement is unknown — is alerted, never silent.
     */
    private static void watchSplit(WorkingState w) {
        for (String region : List.of(w.policy.primaryRegion(), w.policy.standbyRegion())) {
            String key = OUTAGE_WHILE_DIVERGED_KEY + ":" + region;
            if (!mayHoldAComponent(w.placement, region) || HealthAssessment.health(w, region) != RegionHealth.DOWN) {
                w.clear(key);
                continue;
            }
            w.raiseOnce(
                    key,
                    AlertCode.OUTAGE_WHILE_DIVERGED,
                    region + " is down while the components are split ("
                            + w.placement.describe(ComponentPlacement.ManagedComponents.of(w.policy.plan()))
                            + "; traffic "
                            + "goes to " + w.active
                            + "); no automatic failover out of a split state: fail over (or back) to "
                            + "one region, or resume the aborted plan",
                    null);
        }
    }

    private static boolean mayHoldAComponent(ComponentPlacement placement, String region) {
        return placement.dns() == null
                || placement.data() == null
                || placement.events() == null
                || region.equals(placement.dns())
                || region.equals(placement.data())
                || region.equals(placement.events());
    }

    /**
     * A proposal nobody decided on within {@code proposal-timeout} ends: before any request is
     * considered (an approve that arrives after the timeout must not execute it) and on every tick.
     */
    static void expireIfDue(WorkingState w) {
        if (w.phase != Phase.PROPOSED) {
            return;
        }
        FailoverDecision proposal = w.run.decision();
        if (!w.now.isBefore(proposal.time().plus(w.policy.proposalTimeout()))) {
            PlanExecution.endProposal(w);
            w.alert(
                    AlertCode.PROPOSAL_EXPIRED,
                    "proposal " + proposal.id() + " (" + proposal.kind() + " "
                            + proposal.fromRegion() + " -> " + proposal.toRegion() + ", asked by "
                            + proposal.requestedBy()
                            + ") expired: nobody approved or rejected it within " + w.policy.proposalTimeout(),
                    null,
                    proposal.id());
        }
    }

    private static void reviewProposal(WorkingState w, RegionHealth activeHealth) {
        expireIfDue(w);
        if (w.phase != Phase.PROPOSED) {
            return;
        }
        FailoverDecision proposal = w.run.decision();
        boolean automatic = proposal.kind() == DecisionKind.AUTOMATIC_FAILOVER;
        if (automatic && activeHealth == RegionHealth.UP) {
            PlanExecution.endProposal(w);
            w.alert(
                    AlertCode.PROPOSAL_WITHDRAWN,
                    w.active + " is up again: proposal " + proposal.id() + " is withdrawn",
                    null,
                    proposal.id());
            return;
        }
        if (automatic || activeHealth != RegionHealth.DOWN) {
            return;
        }
        // a real outage while an operator's switch waits for a second person
        SafetyRules.Blocked blocked = SafetyRules.automaticFailover(w);
        boolean willFailOver = w.policy.mode() == DecisionMode.AUTOMATIC
                && w.restingPhase() == Phase.STEADY
                && blocked == null
                && !w.raised.contains(WorkingState.SUPPRESSED);
        if (willFailOver) {
            PlanExecution.endProposal(w);
            w.alert(
                    AlertCode.PROPOSAL_SUPERSEDED,
                    w.active + " is down: proposal " + proposal.id() + " ("
                            + proposal.kind() + " asked by " + proposal.requestedBy()
                            + ") is superseded by an automatic "
                            + "failover to " + w.standby,
                    null,
                    proposal.id());
        } else if (w.policy.mode() == DecisionMode.AUTOMATIC && blocked != null) {
            reportBlocked(w, blocked);
        } else {
            w.raiseOnce(
                    OUTAGE_DURING_PROPOSAL_KEY,
                    AlertCode.OUTAGE_DURING_PROPOSAL,
                    w.active + " is down while "
                            + "proposal " + proposal.id() + " (" + proposal.kind() + " to " + proposal.toRegion()
                            + ") waits for approval: approve or reject it now",
                    null);
        }
    }

    private static void considerFailover(WorkingState w) {
        SafetyRules.Blocked blocked = SafetyRules.automaticFailover(w);
        if (blocked != null) {
            reportBlocked(w, blocked);
            return;
        }
        List<Evidence> evidence = HealthAssessment.evidence(w, w.active);
        String reason = w.active + " is down (seen by " + evidence.size() + " vantage points, quorum "
                + w.policy.quorum() + "); " + Readiness.describe(w, w.standby);
        boolean propose = w.policy.mode() == DecisionMode.MANUAL;
        FailoverDecision decision = PlanBuilder.decide(
                w,
                new PlanBuilder.Switch(
                        DecisionKind.AUTOMATIC_FAILOVER,
                        FailoverMode.FORCED,
                        propose ? DecisionStatus.PROPOSED : DecisionStatus.EXECUTING,
                        w.active,
                        w.standby,
                        propose ? reason + "; mode MANUAL: waiting for approval" : reason,
                        FailoverDecision.ENGINE,
                        null,
                        List.of(),
                        evidence,
                        w.policy.steps()));
        if (propose) {
            PlanExecution.propose(w, decision);
        } else {
            SafetyRules.recordAutomaticFailover(w);
            PlanExecution.start(w, decision);
        }
    }

    private static void reportBlocked(WorkingState w, SafetyRules.Blocked blocked) {
        // per region: the region that is down may change (a switch into a region that then fails)
        if (blocked.rule() == SafetyRule.TARGET_READY) {
            // decided as soon as the target is ready again: the evaluation runs on every report and tick
            w.raiseOnce(
                    SAFETY_KEY + blocked.rule() + ":" + w.active,
                    AlertCode.TARGET_NOT_READY,
                    w.active + " is down but the automatic failover is not decided: " + blocked.why(),
                    blocked.rule());
            return;
        }
        if (blocked.rule() == SafetyRule.NOT_BOTH_DOWN) {
            if (w.raised.add(BOTH_DOWN_KEY + ":" + w.active)) {
                w.alert(AlertCode.BOTH_REGIONS_DOWN, blocked.why(), SafetyRule.NOT_BOTH_DOWN, null);
            }
            return;
        }
        w.raiseOnce(
                SAFETY_KEY + blocked.rule() + ":" + w.active,
                AlertCode.SAFETY_RULE_BLOCKED,
                w.active + " is down but the automatic failover is blocked by " + blocked.rule() + ": " + blocked.why(),
                blocked.rule());
    }
}
