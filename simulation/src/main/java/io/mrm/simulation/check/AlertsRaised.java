package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.InputRefusal;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;
import io.mrm.simulation.world.VirtualTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Invariant 8: every unsafe condition raises its alert, and the alert clears when the condition does.
 * Judged after each step in which the core applied its rules, against the oracles: all monitors silent
 * ⇒ BLIND; fewer fresh vantages than the quorum for a region after the grace ⇒ QUORUM_LOST; a stale
 * refusal of the attempt the plan waits for ⇒ STALE_EPOCH; an observation stamped too far ahead ⇒
 * refused and MONITOR_CLOCK_SKEW (at most every 15 minutes per vantage); one from an undeclared source
 * ⇒ refused; entering DIVERGED ⇒ DIVERGED; a plan that completes with a fence not confirmed ⇒ the fence
 * kept as a duty, and FENCE_PENDING unless its attempt is still under way. Silence about an outage of the active region: {@link NoSilentOutage}.
 */
final class AlertsRaised extends Check {

    private static final long SKEW_ALERT_EVERY_MS = 15 * 60_000;

    private boolean blind;
    private final Set<String> quorumLost = new HashSet<>();
    private final Map<String, Long> skewAlerted = new HashMap<>();
    private final Set<String> answeredAttempts = new HashSet<>();
    private long fencePendingAt = -1;

    AlertsRaised() {
        super("ALERTS_RAISED");
    }

    @Override
    void newLineage(CoreStep step) {
        blind = false;
        quorumLost.clear();
        skewAlerted.clear();
        fencePendingAt = -1;
    }

    @Override
    void afterStep(CoreStep step) {
        long now = step.nowMs();
        observations(step);
        follow(step);
        stale(step);
        diverged(step);
        fences(step);
        if (!Steps.evaluated(step) || catchingUp(step)) {
            return;
        }
        HealthOracle health = c().health;
        boolean silent = health.blind(now);
        if (silent != blind) {
            fail(
                    now,
                    silent
                            ? "every vantage is silent (nothing fresh for "
                                    + c().policy.staleAfter() + ") but no BLIND " + "alert is raised"
                            : "vantages report again but BLIND was not cleared (no SIGHT_RESTORED)");
        }
        for (String region :
                new String[] {c().policy.primaryRegion(), c().policy.standbyRegion()}) {
            int watching = health.watching(region, now);
            boolean lost =
                    health.graceOver(now) && !silent && watching < c().policy.quorum();
            if (lost && !quorumLost.contains(region)) {
                fail(
                        now,
                        "only " + watching + " fresh vantage(s) watch " + region + " (quorum "
                                + c().policy.quorum() + ") but no QUORUM_LOST alert is raised: "
                                + health.describe(region, now));
            } else if (watching >= c().policy.quorum() && quorumLost.contains(region)) {
                fail(now, watching + " fresh vantages watch " + region + " again but QUORUM_LOST was not cleared");
            }
        }
    }

    /**
     * A step whose input was taken more than half of {@code stale-after} before it is stepped: the engine is working
     * through a backlog and does not judge silence or quorum in it (the counters of inputs still queued look stale);
     * the next step that is not late, or the next tick, does.
     */
    private boolean catchingUp(CoreStep step) {
        return step.input() != null
                && VirtualTime.ms(step.input().time()) + c().policy.staleAfter().toMillis() / 2 < step.nowMs();
    }

    /** Which alerts are raised now, from what the engine published. */
    private void follow(CoreStep step) {
        for (Alert a : Steps.outputs(step, Alert.class)) {
            switch (a.code()) {
                case "BLIND" -> blind = true;
                case "SIGHT_RESTORED" -> blind = false;
                case "QUORUM_LOST" -> quorumLost.add(regionIn(a.message()));
                case "QUORUM_RESTORED" -> quorumLost.remove(regionIn(a.message()));
                case "MONITOR_CLOCK_SKEW" -> {
                    if (step.input() instanceof HealthObservation o) {
                        skewAlerted.put(o.vantage(), step.nowMs());
                    }
                }
                case "FENCE_PENDING" -> fencePendingAt = step.nowMs();
                default -> {}
            }
        }
    }

    private String regionIn(String message) {
        return message.contains(c().policy.primaryRegion())
                ? c().policy.primaryRegion()
                : c().policy.standbyRegion();
    }

    private void observations(CoreStep step) {
        if (!(step.input() instanceof HealthObservation o)) {
            return;
        }
        InputRefusal refusal = step.result().refusal();
        HealthOracle.Verdict verdict = checker.verdict;
        String got = refusal == null ? "taken" : "refused as " + refusal.reason();
        switch (verdict) {
            case ACCEPTED -> {
                if (refusal != null) {
                    fail(step.nowMs(), "observation " + o.id() + " is declared and not ahead, yet " + got);
                }
            }
            case UNKNOWN_SOURCE -> {
                if (refusal == null || refusal.reason() != InputRefusal.Reason.UNKNOWN_SOURCE) {
                    fail(step.nowMs(), "observation " + o.id() + " from an undeclared source was " + got);
                }
            }
            case CLOCK_SKEW -> {
                if (refusal == null || refusal.reason() != InputRefusal.Reason.CLOCK_SKEW) {
                    fail(
                            step.nowMs(),
                            "observation " + o.id() + " stamped " + (VirtualTime.ms(o.time()) - step.nowMs())
                                    + " ms ahead (allowed " + c().policy.maxObservationSkew() + ") was " + got);
                }
                Long last = skewAlerted.get(o.vantage());
                boolean due = last == null || step.nowMs() - last >= SKEW_ALERT_EVERY_MS;
                if (due && !Steps.alerted(step, "MONITOR_CLOCK_SKEW")) {
                    fail(
                            step.nowMs(),
                            "observation " + o.id() + " from " + o.vantage() + " is ahead of the clock "
                                    + "beyond the allowed skew, but no MONITOR_CLOCK_SKEW alert (none for it in 15 min)");
                }
            }
        }
    }

    /** A stale refusal of the very attempt the running plan waits for pauses it with STALE_EPOCH. */
    private void stale(CoreStep step) {
        if (!(step.input() instanceof CommandAck ack)) {
            return;
        }
        String attempt = ack.step().decisionId() + "#" + ack.step().stepIndex() + "#"
                + ack.step().attempt() + "#" + ack.step().epoch();
        boolean first = answeredAttempts.add(attempt);
        ApplicationState before = step.before();
        if (!first
                || ack.outcome() != AckOutcome.REJECTED_STALE
                || before == null
                || before.phase() != Phase.SWITCHING
                || !ack.step().decisionId().equals(before.lastDecisionId())) {
            return;
        }
        StepCommand sent =
                c().ledger.lastCommand(ack.step().decisionId(), ack.step().stepIndex());
        FailoverDecision d = c().ledger.decisions.get(ack.step().decisionId());
        if (sent == null
                || d == null
                || sent.step().attempt() != ack.step().attempt()
                || sent.step().epoch() != ack.step().epoch()
                || step.nowMs() > VirtualTime.ms(sent.step().deadline())) {
            return;
        }
        PlanStep planned = d.plan().get(ack.step().stepIndex());
        if (!Boolean.TRUE.equals(planned.bestEffort()) && !Steps.alerted(step, "STALE_EPOCH")) {
            fail(
                    step.nowMs(),
                    "the " + ack.actuator() + " actuator refused " + Describe.ack(ack) + " as stale (it holds "
                            + ack.fenceEpoch() + ") but no STALE_EPOCH alert was raised");
        }
    }

    private void diverged(CoreStep step) {
        ApplicationState before = step.before();
        ApplicationState after = step.after();
        // a proposal made while split returns to DIVERGED when it ends: that split was alerted already
        if (after.phase() == Phase.DIVERGED
                && (before == null || (before.phase() != Phase.DIVERGED && before.phase() != Phase.PROPOSED))
                && !Steps.alerted(step, "DIVERGED")) {
            fail(step.nowMs(), "the engine entered DIVERGED without a DIVERGED alert");
        }
        boolean planRan = before != null && (before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED);
        if (planRan
                && Ledger.accepted(step, AbortRequest.class)
                && after.phase() != Phase.STEADY
                && after.phase() != Phase.DIVERGED
                && Steps.decision(step) == null) {
            fail(step.nowMs(), "an aborted plan left the engine " + after.phase() + ", not STEADY or DIVERGED");
        }
    }

    private static boolean pending(ApplicationState state, PlanStep fence) {
        for (io.mrm.decision.domain.PendingFence f : state.fences()) {
            FenceDuty duty = f.duty();
            if (duty.action() == fence.action() && duty.region().equals(fence.region())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inFlight(ApplicationState state, PlanStep fence) {
        return state.fences().stream()
                .anyMatch(f -> f.duty().action() == fence.action()
                        && f.duty().region().equals(fence.region())
                        && f.attemptDeadline() != null);
    }

    /** A completed plan whose fence was sent but not confirmed keeps it as a duty, alerted unless under way. */
    private void fences(CoreStep step) {
        if (!Checker.completed(step) || step.after().phase() != Phase.STEADY) {
            return; // (a plan that completed and was followed by another in the same step handed its duties on)
        }
        ApplicationState after = step.after();
        FailoverDecision d = after.run().decision();
        for (PlanStep planned : d.plan()) {
            if (!Boolean.TRUE.equals(planned.bestEffort())
                    || !c().ledger.sent(d.id(), planned.index())
                    || c().ledger.confirmed(d.id(), planned.index())) {
                continue;
            }
            boolean duty = pending(after, planned);
            // an alert raised for the same fence earlier (a duty an abort kept) still stands; an attempt still
            // under way is alerted only once it fails or goes unanswered
            boolean alerted = fencePendingAt >= VirtualTime.ms(d.time())
                    || pending(step.before(), planned)
                    || inFlight(after, planned);
            if (!duty || !alerted) {
                fail(
                        step.nowMs(),
                        "plan " + Describe.id(d.id()) + " completed with " + planned.action() + "@"
                                + planned.region() + " not confirmed, but "
                                + (duty
                                        ? "no FENCE_PENDING alert since the decision"
                                        : "it is not kept as a fence duty"));
            }
        }
    }
}
