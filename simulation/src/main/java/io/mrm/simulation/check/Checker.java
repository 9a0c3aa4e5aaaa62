package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.EngineHost;
import io.mrm.simulation.actors.EngineListener;
import io.mrm.simulation.world.World;
import io.mrm.simulation.world.WorldListener;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs every invariant after every step of the core and on every change of the world, keeping the
 * oracles (health, safety rules) and the ledger up to date around them, and records what the run
 * covered. The first violation is kept; the driver stops the run there.
 */
public final class Checker implements EngineListener, WorldListener {

    final Context context;
    private final List<Check> checks;
    private final Set<Coverage> coverage = EnumSet.noneOf(Coverage.class);
    private Violation violation;
    private int lineage;
    HealthOracle.Verdict verdict;

    public Checker(
            ApplicationPolicy policy,
            World world,
            long tickMs,
            Supplier<ApplicationState> engineState,
            Supplier<Boolean> engineUp) {
        this.context = new Context(policy, world, tickMs, engineState, engineUp);
        this.checks = List.of(
                new OnePlanInFlight(),
                new EpochsIncrease(),
                new AutomaticDecisionSafety(),
                new RoutedWherePromoted(),
                new NoSplitBrain(),
                new OneAnswerPerRequest(),
                new PlansEnd(),
                new AlertsRaised(),
                new NoSilentOutage(),
                new FailoverLiveness(),
                new SteadyMatchesWorld(),
                new TwoPersonRule());
        checks.forEach(c -> c.checker = this);
    }

    public Violation violation() {
        return violation;
    }

    public Set<Coverage> coverage() {
        return coverage;
    }

    void fail(String invariant, long nowMs, String message) {
        if (violation == null) {
            violation = new Violation(invariant, nowMs, message);
        }
    }

    void cover(Coverage c) {
        coverage.add(c);
    }

    // ---- the engine ---------------------------------------------------------------------------------

    @Override
    public void afterStep(CoreStep step) {
        if (step.lineage() != lineage) {
            lineage = step.lineage();
            newLineage(step);
        }
        verdict = null;
        if (step.input() instanceof HealthObservation o) {
            verdict = context.health.verdict(o, step.nowMs());
            if (verdict == HealthOracle.Verdict.ACCEPTED) {
                context.health.take(o, step.nowMs());
            }
        }
        context.ledger.input(step);
        if (Ledger.accepted(step, SkipStepRequest.class)) {
            context.breakGlass = true;
        }
        for (Check check : checks) {
            check.afterStep(step);
        }
        safetyRules(step);
        context.ledger.outputs(step);
        cover(step);
    }

    private void newLineage(CoreStep step) {
        context.health.forget();
        context.safety.stateLost(step.nowMs());
        if (!step.restore()) {
            // a reset: the engine starts from nothing, topology included
            context.resetHappened = true;
            context.safety.reset();
            context.ledger.maxEpochKnown = 0;
            coverage.add(Coverage.RESET);
        } else {
            coverage.add(Coverage.RESTORE_FROM_TOPOLOGY);
            if (context.resetHappened) {
                context.restoredAfterResetAtMs = step.nowMs();
            }
            io.mrm.events.topology.TopologyState published = (io.mrm.events.topology.TopologyState) step.input();
            if (published.phase() == Phase.SWITCHING || published.phase() == Phase.PAUSED) {
                context.restoredMidPlanAtMs = step.nowMs();
            }
            if (published.phase() == Phase.PROPOSED && published.placement() != null) {
                context.restoredSplitProposalAtMs = step.nowMs();
            }
        }
        for (Check check : checks) {
            check.newLineage(step);
        }
    }

    /** The safety oracle follows what operators were answered and what the engine decided. */
    private void safetyRules(CoreStep step) {
        SafetyOracle safety = context.safety;
        if (Ledger.accepted(step, FreezeRequest.class)) {
            safety.frozen(true);
        } else if (Ledger.accepted(step, UnfreezeRequest.class)) {
            safety.frozen(false);
        } else if (Ledger.accepted(step, AcknowledgeHoldDownRequest.class)) {
            safety.holdDownAcknowledged();
        }
        ApplicationState before = step.before();
        boolean planWasRunning =
                before != null && (before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED);
        if (planWasRunning && Ledger.accepted(step, AbortRequest.class)) {
            safety.switchAborted(step.nowMs());
        }
        if (completed(step) || (restoredMidPlan(step) && restoredPlanMovedSomething(step, context.policy))) {
            safety.switchCompleted(step.nowMs());
        }
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof FailoverDecision d && d.status() == DecisionStatus.EXECUTING) {
                safety.decided(d, step.nowMs());
            }
        }
    }

    /** A restore from a topology published while a plan ran: the plan ends there, and the hold-down starts. */
    static boolean restoredMidPlan(CoreStep step) {
        return step.input() instanceof io.mrm.events.topology.TopologyState t
                && (t.phase() == Phase.SWITCHING || t.phase() == Phase.PAUSED);
    }

    /**
     * Whether the published steps of the plan a restore cut short may have moved a component the policy manages
     * away from the active region (or it started from a split): then the switch ended there and the hold-down
     * runs; a plan that moved nothing (cut short while a pre-flight hook or a drain ran) starts none. A step
     * moved its component if it succeeded; one that went out and did not succeed may have (the topology has no
     * timers); one never sent did not.
     */
    static boolean restoredPlanMovedSomething(CoreStep step, ApplicationPolicy policy) {
        io.mrm.events.topology.TopologyState t = (io.mrm.events.topology.TopologyState) step.input();
        if (t.placement() != null) {
            return true;
        }
        String active = t.activeRegion();
        String dns = active;
        String data = active;
        java.util.Set<String> brokers = new java.util.LinkedHashSet<>(java.util.List.of(active));
        boolean brokersKnown = true;
        for (io.mrm.events.topology.StepProgress s : t.planSteps()) {
            boolean never = s.status() == io.mrm.events.topology.StepStatus.PENDING || s.attempts() == 0;
            if (never) {
                continue;
            }
            boolean done = s.status() == io.mrm.events.topology.StepStatus.SUCCEEDED;
            switch (s.action()) {
                case DNS_ROUTE -> dns = done ? s.region() : null;
                case DATA_PROMOTE -> data = done ? s.region() : null;
                case EVENTS_SET_ACTIVE -> {
                    brokers.add(s.region());
                    brokersKnown &= done;
                }
                case EVENTS_SET_STANDBY -> {
                    brokers.remove(s.region());
                    brokersKnown &= done;
                }
                default -> {
                    // drains, verifies, fences, re-protect and hooks move no component
                }
            }
        }
        String events = brokersKnown && brokers.size() == 1 ? brokers.iterator().next() : null;
        boolean stayed = (!policy.plan().contains(io.mrm.events.decision.StepAction.DNS_ROUTE) || active.equals(dns))
                && (!policy.plan().contains(io.mrm.events.decision.StepAction.DATA_PROMOTE) || active.equals(data))
                && (!policy.plan().contains(io.mrm.events.decision.StepAction.EVENTS_SET_ACTIVE)
                        || active.equals(events));
        return !stayed;
    }

    /** A plan ran to its end in this step (not an abort, not a late answer settling an aborted one). */
    static boolean completed(CoreStep step) {
        ApplicationState before = step.before();
        ApplicationState after = step.after();
        if (before == null || step.restore() || Ledger.accepted(step, AbortRequest.class)) {
            return false;
        }
        boolean ran = before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED;
        if (ran
                && Steps.outputs(step, FailoverDecision.class).stream()
                        .anyMatch(d -> d.status() == DecisionStatus.EXECUTING)) {
            return true; // no plan starts while one runs: the running one completed first, in this step
        }
        return after.phase() == Phase.STEADY
                && after.run() != null
                && !after.run().aborted()
                && (ran || before.phase() == Phase.DIVERGED);
    }

    private void cover(CoreStep step) {
        for (MrmEvent output : step.result().outputs()) {
            if (output instanceof FailoverDecision d) {
                boolean engine = d.requestedBy().equals(FailoverDecision.ENGINE);
                if (engine && d.status() == DecisionStatus.EXECUTING) {
                    coverage.add(Coverage.AUTOMATIC_FAILOVER);
                } else if (engine) {
                    coverage.add(Coverage.AUTOMATIC_PROPOSAL);
                } else if (d.status() == DecisionStatus.EXECUTING && d.kind() == DecisionKind.MANUAL_FAILOVER) {
                    coverage.add(Coverage.MANUAL_FAILOVER);
                } else if (d.status() == DecisionStatus.EXECUTING && d.kind() == DecisionKind.FAILBACK) {
                    coverage.add(Coverage.FAILBACK);
                }
                if (!d.overriddenRules().isEmpty()) {
                    coverage.add(Coverage.BREAK_GLASS);
                }
            } else if (output instanceof Alert a) {
                alertCoverage(a);
            } else if (output instanceof RequestOutcome o) {
                outcomeCoverage(step, o);
            }
        }
        if (completed(step)) {
            coverage.add(Coverage.PLAN_COMPLETED);
        }
        if (step.result().refusal() != null) {
            coverage.add(
                    step.result().refusal().reason().name().equals("CLOCK_SKEW")
                            ? Coverage.CLOCK_SKEW_REFUSED
                            : Coverage.UNKNOWN_SOURCE_REFUSED);
        }
    }

    private void alertCoverage(Alert a) {
        switch (a.code()) {
            case "PLAN_PAUSED" -> coverage.add(Coverage.PLAN_PAUSED);
            case "FAILOVER_FELL_BACK" -> coverage.add(Coverage.FAILOVER_FELL_BACK);
            case "FAILOVER_DRAINED" -> coverage.add(Coverage.FAILOVER_DRAINED);
            case "STALE_EPOCH" -> coverage.add(Coverage.STALE_REFUSAL);
            case "FENCE_PENDING" -> coverage.add(Coverage.FENCE_PENDING);
            case "FENCE_COMPLETED" -> coverage.add(Coverage.FENCE_COMPLETED);
            case "PROPOSAL_EXPIRED" -> coverage.add(Coverage.PROPOSAL_EXPIRED);
            case "PROPOSAL_WITHDRAWN" -> coverage.add(Coverage.PROPOSAL_WITHDRAWN);
            case "PROPOSAL_SUPERSEDED" -> coverage.add(Coverage.PROPOSAL_SUPERSEDED);
            case "OUTAGE_DURING_PROPOSAL" -> coverage.add(Coverage.OUTAGE_DURING_PROPOSAL);
            case "OUTAGE_WHILE_DIVERGED" -> coverage.add(Coverage.OUTAGE_WHILE_DIVERGED);
            case "SAFETY_RULE_BLOCKED" ->
                coverage.add(
                        a.rule() == io.mrm.events.operator.SafetyRule.HOLD_DOWN
                                ? Coverage.HOLD_DOWN_BLOCKED
                                : Coverage.SAFETY_RULE_BLOCKED);
            case "BOTH_REGIONS_DOWN" -> coverage.add(Coverage.BOTH_REGIONS_DOWN);
            case "BLIND" -> coverage.add(Coverage.BLIND);
            case "QUORUM_LOST" -> coverage.add(Coverage.QUORUM_LOST);
            default -> {
                if (a.code().startsWith("REQUEST_")) {
                    coverage.add(Coverage.SIGNED_REQUEST_REFUSED);
                }
            }
        }
    }

    private void outcomeCoverage(CoreStep step, RequestOutcome o) {
        if (o.accepted()) {
            if (step.input() instanceof ResumeRequest) {
                coverage.add(Coverage.RESUME);
            } else if (step.input() instanceof SkipStepRequest) {
                coverage.add(Coverage.SKIP);
            } else if (step.input() instanceof ApproveRequest) {
                coverage.add(Coverage.PROPOSAL_APPROVED);
            } else if (step.input() instanceof RejectRequest) {
                coverage.add(Coverage.PROPOSAL_REJECTED);
            } else if (step.input() instanceof AbortRequest
                    && step.before() != null
                    && step.before().phase() != Phase.PROPOSED) {
                coverage.add(step.after().phase() == Phase.DIVERGED ? Coverage.ABORT_DIVERGED : Coverage.ABORT);
            }
        } else if (step.input() instanceof ApproveRequest a) {
            FailoverDecision proposal = context.ledger.decisions.get(a.decisionId());
            if (proposal != null && proposal.requestedBy().equals(a.operator())) {
                coverage.add(Coverage.SELF_APPROVAL_REFUSED);
            }
        }
    }

    @Override
    public void stopped(long nowMs, EngineHost.Fate fate) {
        checks.forEach(c -> c.engineStopped(nowMs));
        if (fate == EngineHost.Fate.KEPT) {
            coverage.add(Coverage.STATE_KEPT_ACROSS_CRASH);
        }
    }

    @Override
    public void started(long nowMs) {
        checks.forEach(c -> c.engineStarted(nowMs));
    }

    @Override
    public void roundTripDiffers(long nowMs, String detail) {
        fail("STATE_ROUND_TRIP", nowMs, "the state did not survive ApplicationStateSerde: " + detail);
    }

    // ---- the world ----------------------------------------------------------------------------------

    @Override
    public void dnsMoved(String from, String to, long epoch, String decisionId, long nowMs) {
        checks.forEach(c -> c.dnsMoved(from, to, epoch, decisionId, nowMs));
    }

    @Override
    public void promoted(String region, long epoch, String decisionId, long nowMs) {
        checks.forEach(c -> c.promoted(region, epoch, decisionId, nowMs));
    }

    @Override
    public void changed(long nowMs) {
        checks.forEach(c -> c.worldChanged(nowMs));
    }
}
