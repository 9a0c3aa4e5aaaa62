package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import java.util.Set;

/**
 * Invariant 8, its last clause: never silence while the serving region is down. From the first step in
 * which a quorum of fresh vantages sees the engine's active region DOWN, within one tick interval there
 * must be a reaction: a decision, an alert that names the obstacle (SAFETY_RULE_BLOCKED,
 * BOTH_REGIONS_DOWN, PROPOSAL_SUPERSEDED, OUTAGE_DURING_PROPOSAL, OUTAGE_WHILE_DIVERGED, or a plan's own
 * PLAN_PAUSED / STALE_EPOCH), a plan already leaving the region, the engine's own proposal waiting, or an
 * operator who acted on it (an accepted request).
 */
final class NoSilentOutage extends Check {

    private static final Set<String> REACTIONS = Set.of(
            "SAFETY_RULE_BLOCKED",
            "BOTH_REGIONS_DOWN",
            "PROPOSAL_SUPERSEDED",
            "OUTAGE_DURING_PROPOSAL",
            "OUTAGE_WHILE_DIVERGED",
            "OUTAGE_WHILE_PAUSED",
            "PLAN_PAUSED",
            "STALE_EPOCH");

    private String region;
    private long since = -1;
    private boolean reacted;
    /** BOTH_REGIONS_DOWN names both regions: it stands for the outage of either until the active one is not down. */
    private boolean bothDownStanding;
    /**
     * Alerts raised about an outage of the active region and not cleared since (the core clears them only
     * when its active region is not down), with the region they were about.
     */
    private final java.util.Map<String, String> standing = new java.util.HashMap<>();

    NoSilentOutage() {
        super("NO_SILENT_OUTAGE");
    }

    @Override
    void newLineage(CoreStep step) {
        since = -1;
        bothDownStanding = false;
        standing.clear();
    }

    @Override
    void afterStep(CoreStep step) {
        if (!Steps.evaluated(step)) {
            return;
        }
        long now = step.nowMs();
        ApplicationState after = step.after();
        if (Steps.alerted(step, "BOTH_REGIONS_DOWN")) {
            bothDownStanding = true;
        }
        for (Alert a : Steps.outputs(step, Alert.class)) {
            if (REACTIONS.contains(a.code())) {
                standing.put(a.code() + (a.rule() == null ? "" : " [" + a.rule() + "]"), after.activeRegion());
            }
        }
        if (!c().health.down(after.activeRegion(), now)) {
            standing.clear();
        }
        if (!c().health.down(after.activeRegion(), now) || !after.activeRegion().equals(region)) {
            region = after.activeRegion();
            since = -1;
            if (!c().health.down(region, now)) {
                bothDownStanding = false;
                return;
            }
        }
        if (since < 0) {
            since = now;
            reacted = bothDownStanding;
        }
        reacted |= reaction(step) || waitingOn(after);
        if (!reacted && now - since > c().tickMs) {
            String stale = standing.entrySet().stream()
                    .filter(e -> !e.getValue().equals(region))
                    .map(e -> e.getKey() + " raised while " + e.getValue() + " was the active region")
                    .findFirst()
                    .map(s -> "; " + s + " still stands (the core's alert key is not per region)")
                    .orElse("");
            fail(
                    now,
                    region + " (active) has been DOWN since " + io.mrm.simulation.run.Trace.clock(since)
                            + " and the engine is " + after.phase() + ", but nothing was decided or alerted: "
                            + c().health.describe(region, now) + stale);
        }
    }

    private static boolean reaction(CoreStep step) {
        if (Steps.decision(step) != null) {
            return true;
        }
        for (Alert a : Steps.outputs(step, Alert.class)) {
            if (REACTIONS.contains(a.code())) {
                return true;
            }
        }
        return Steps.outputs(step, RequestOutcome.class).stream().anyMatch(RequestOutcome::accepted)
                && !(step.input() instanceof io.mrm.events.operator.FreezeRequest)
                && !(step.input() instanceof io.mrm.events.operator.UnfreezeRequest)
                && !(step.input() instanceof io.mrm.events.operator.AcknowledgeHoldDownRequest);
    }

    /** A plan leaving the region, or the engine's own proposal to leave it waiting for an operator. */
    private static boolean waitingOn(ApplicationState after) {
        return after.phase() == Phase.SWITCHING
                || (after.phase() == Phase.PROPOSED
                        && after.run() != null
                        && after.run().decision().kind() == DecisionKind.AUTOMATIC_FAILOVER);
    }
}
