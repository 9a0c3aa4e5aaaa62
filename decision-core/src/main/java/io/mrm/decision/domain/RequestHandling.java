package io.mrm.decision.domain;

import io.mrm.events.EventTypes;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.DrillRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import java.util.ArrayList;
import java.util.List;

/**
 * Operators' requests, once authenticated: each is answered by exactly one {@link RequestOutcome}.
 *
 * <p>What is accepted when: freeze, unfreeze and acknowledge-hold-down at any time (they switch
 * nothing: a freeze stops the next automatic decision, not a running plan — abort does that); a
 * manual failover or failback when no decision is pending (STEADY), and while the components are
 * split (DIVERGED: to either region, which runs the whole plan there); approve and reject for a
 * proposal; resume for a paused plan or a split left by an abort; skip for a paused plan; abort for a
 * proposal or a running or paused plan. A drill (see {@link Drills}) while STEADY; approve, reject and
 * abort that name the drill's decision act on the drill.
 */
final class RequestHandling {

    private RequestHandling() {}

    static void onRequest(WorkingState w, OperatorRequest request) {
        String rejection = null;
        String decisionId = null;
        if (request instanceof FreezeRequest) {
            w.frozen = true;
        } else if (request instanceof UnfreezeRequest) {
            w.frozen = false;
        } else if (request instanceof AcknowledgeHoldDownRequest) {
            w.holdDownUntil = null;
        } else if (request instanceof DrillRequest drill) {
            rejection = Drills.request(w, drill);
            decisionId = rejection == null ? w.drill.decision().id() : null;
        } else if (request instanceof ApproveRequest approve && Drills.isActive(w, approve.decisionId())) {
            rejection = Drills.approve(w, approve.operator(), approve.id());
            decisionId = rejection == null ? w.drill.decision().id() : approve.decisionId();
        } else if (request instanceof RejectRequest reject && Drills.isActive(w, reject.decisionId())) {
            rejection = w.drill.status() == DrillRun.Status.PROPOSED
                    ? null
                    : "drill " + reject.decisionId() + " is RUNNING, not PROPOSED; abort it instead";
            if (rejection == null) {
                Drills.cancel(w, "rejected by " + reject.operator() + ": " + reject.reason());
            }
            decisionId = reject.decisionId();
        } else if (request instanceof AbortRequest abort && Drills.isActive(w, abort.decisionId())) {
            Drills.cancel(w, "aborted by " + abort.operator() + ": " + abort.reason());
            decisionId = abort.decisionId();
        } else if (request instanceof ManualFailoverRequest failover) {
            rejection = manualSwitch(
                    w,
                    DecisionKind.MANUAL_FAILOVER,
                    failover.mode(),
                    failover.targetRegion(),
                    failover,
                    failover.overrideRules());
            decisionId = rejection == null ? w.lastDecisionId : null;
        } else if (request instanceof FailbackRequest failback) {
            rejection = manualSwitch(
                    w,
                    DecisionKind.FAILBACK,
                    failback.mode(),
                    w.policy.primaryRegion(),
                    failback,
                    failback.overrideRules());
            decisionId = rejection == null ? w.lastDecisionId : null;
        } else if (request instanceof ApproveRequest approve) {
            rejection = approve(w, approve);
            decisionId = rejection == null ? w.lastDecisionId : approve.decisionId();
        } else if (request instanceof RejectRequest reject) {
            rejection = requireCurrent(w, reject.decisionId(), Phase.PROPOSED);
            if (rejection == null) {
                endProposal(w);
            }
            decisionId = reject.decisionId();
        } else if (request instanceof ResumeRequest resume) {
            rejection = requireCurrent(w, resume.decisionId(), Phase.PAUSED, Phase.DIVERGED);
            if (rejection == null && w.phase == Phase.DIVERGED && !w.run.aborted()) {
                rejection = "decision " + resume.decisionId() + " was not aborted; fail over (or back) to one region";
            }
            if (rejection == null) {
                PlanExecution.resume(w, resume.operator());
            }
            decisionId = resume.decisionId();
        } else if (request instanceof SkipStepRequest skip) {
            rejection = requireCurrent(w, skip.decisionId(), Phase.PAUSED);
            if (rejection == null) {
                rejection = PlanExecution.skip(w, skip.stepIndex(), skip.operator(), skip.reason());
            }
            decisionId = skip.decisionId();
        } else if (request instanceof AbortRequest abort) {
            rejection = requireCurrent(w, abort.decisionId(), Phase.SWITCHING, Phase.PAUSED, Phase.PROPOSED);
            if (rejection == null && w.phase == Phase.PROPOSED) {
                endProposal(w);
                w.alert(
                        AlertCode.PLAN_ABORTED,
                        "proposal " + abort.decisionId() + " withdrawn by " + abort.operator() + ": " + abort.reason(),
                        null,
                        abort.decisionId());
            } else if (rejection == null) {
                PlanExecution.abort(w, abort.operator(), abort.reason());
            }
            decisionId = abort.decisionId();
        }
        w.outputs.add(new RequestOutcome(
                w.nextId(),
                w.applicationId(),
                w.now,
                RequestOutcome.SCHEMA_VERSION,
                request.id(),
                EventTypes.forClass(request.getClass()).ceType(),
                request.operator(),
                rejection == null,
                Texts.clip(rejection == null ? w.acceptedAs : rejection),
                decisionId));
    }

    /** A proposal ends without running: an automatic one is not made again for this outage. */
    private static void endProposal(WorkingState w) {
        if (w.run.decision().kind() == DecisionKind.AUTOMATIC_FAILOVER) {
            w.raised.add(WorkingState.SUPPRESSED);
        }
        PlanExecution.endProposal(w);
    }

    /** Null when the request may act on the current decision in one of the given phases, else why not. */
    private static String requireCurrent(WorkingState w, String decisionId, Phase... phases) {
        if (w.run == null || !w.run.decision().id().equals(decisionId)) {
            return "decision " + decisionId + " is not the current decision ("
                    + (w.run == null ? "none" : w.run.decision().id()) + ")";
        }
        for (Phase allowed : phases) {
            if (w.phase == allowed) {
                return null;
            }
        }
        return "decision " + decisionId + " is " + w.phase + ", not " + List.of(phases);
    }

    private static String manualSwitch(
            WorkingState w,
            DecisionKind kind,
            FailoverMode mode,
            String target,
            OperatorRequest request,
            List<SafetyRule> overrides) {
        if (w.phase != Phase.STEADY && w.phase != Phase.DIVERGED) {
            return "a decision is " + w.phase + ": only abort, resume or skip it (or approve or reject a proposal) "
                    + "now; freeze, unfreeze and acknowledge-hold-down are always accepted";
        }
        if (!w.policy.hasRegion(target)) {
            return target + " is not a region of " + w.policy.applicationId();
        }
        if (w.phase == Phase.STEADY && target.equals(w.active)) {
            return kind == DecisionKind.FAILBACK
                    ? target + " (the primary) is already active"
                    : target + " is already active";
        }
        String source = w.policy.otherRegion(target);
        String unsafe = SafetyRules.manualSwitch(w, source, target, mode, overrides);
        if (unsafe != null) {
            return unsafe;
        }
        List<Evidence> evidence =
                kind == DecisionKind.MANUAL_FAILOVER ? HealthAssessment.evidence(w, source) : List.of();
        if (w.policy.twoPersonRule()) {
            FailoverDecision proposal = PlanBuilder.decide(
                    w,
                    new PlanBuilder.Switch(
                            kind,
                            mode,
                            DecisionStatus.PROPOSED,
                            source,
                            target,
                            request.reason() + awaitingSecondPerson(request.operator()),
                            request.operator(),
                            request.id(),
                            overrides,
                            evidence,
                            actions(w, kind)));
            PlanExecution.propose(w, proposal);
            w.acceptedAs = "proposed; the two-person rule needs another approver: mrmctl approve " + w.applicationId()
                    + " " + proposal.id();
            return null;
        }
        PlanExecution.start(
                w,
                PlanBuilder.decide(
                        w,
                        new PlanBuilder.Switch(
                                kind,
                                mode,
                                DecisionStatus.EXECUTING,
                                source,
                                target,
                                request.reason(),
                                request.operator(),
                                request.id(),
                                overrides,
                                evidence,
                                actions(w, kind))));
        return null;
    }

    /** A failback restores replication towards the primary first, then switches. */
    private static List<StepSpec> actions(WorkingState w, DecisionKind kind) {
        if (kind != DecisionKind.FAILBACK) {
            return w.policy.steps();
        }
        List<StepSpec> plan = new ArrayList<>(StepSpec.of(w.policy.reprotectPlan(), java.util.Set.of()));
        plan.addAll(w.policy.steps());
        return plan;
    }

    private static String awaitingSecondPerson(String asker) {
        return "; two-person rule: waiting for approval by an approver other than " + asker;
    }

    private static String approve(WorkingState w, ApproveRequest request) {
        String rejection = requireCurrent(w, request.decisionId(), Phase.PROPOSED);
        if (rejection != null) {
            return rejection;
        }
        FailoverDecision proposal = w.run.decision();
        if (proposal.kind() != DecisionKind.AUTOMATIC_FAILOVER) {
            return approveRequested(w, proposal, request);
        }
        if (HealthAssessment.health(w, proposal.toRegion()) != RegionHealth.UP) {
            return proposal.toRegion() + " is no longer healthy; not executing the proposal";
        }
        String notReady = Readiness.blocking(w, proposal.toRegion());
        if (notReady != null) {
            return notReady + "; not executing the proposal";
        }
        SafetyRules.recordAutomaticFailover(w);
        PlanExecution.start(
                w,
                PlanBuilder.decide(
                        w,
                        new PlanBuilder.Switch(
                                proposal.kind(),
                                proposal.mode(),
                                DecisionStatus.EXECUTING,
                                proposal.fromRegion(),
                                proposal.toRegion(),
                                "approved proposal " + proposal.id() + ": " + proposal.reason(),
                                request.operator(),
                                request.id(),
                                List.of(),
                                proposal.evidence(),
                                w.policy.steps())));
        return null;
    }

    /** A manual switch asked for under the two-person rule, approved by a second person. */
    private static String approveRequested(WorkingState w, FailoverDecision proposal, ApproveRequest request) {
        if (proposal.requestedBy().equals(request.operator())) {
            return "two-person rule: " + request.operator() + " asked for this " + proposal.kind()
                    + " and cannot approve it; another approver must";
        }
        String unsafe = SafetyRules.manualSwitch(
                w, proposal.fromRegion(), proposal.toRegion(), proposal.mode(), proposal.overriddenRules());
        if (unsafe != null) {
            return "not executing the proposal: " + unsafe;
        }
        // the asker's own words: the proposal's reason without the note this core appended to it
        String asked = proposal.reason();
        String note = awaitingSecondPerson(proposal.requestedBy());
        if (asked.endsWith(note)) {
            asked = asked.substring(0, asked.length() - note.length());
        }
        PlanExecution.start(
                w,
                PlanBuilder.decide(
                        w,
                        new PlanBuilder.Switch(
                                proposal.kind(),
                                proposal.mode(),
                                DecisionStatus.EXECUTING,
                                proposal.fromRegion(),
                                proposal.toRegion(),
                                "approved by "
                                        + request.operator() + " (two-person rule), asked by " + proposal.requestedBy()
                                        + " (request "
                                        + proposal.requestId() + "): " + asked,
                                request.operator(),
                                request.id(),
                                proposal.overriddenRules(),
                                proposal.evidence(),
                                actions(w, proposal.kind()))));
        return null;
    }
}
