package io.mrm.decision.domain;

import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.Placement;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;

/**
 * A state rebuilt from the last topology the engine published, for an application whose state was
 * lost (the engine's store and changelog reset): the epoch continues above every one known to have
 * been issued, the active region, freeze, hold-down and pending fences carry over. A plan that was
 * running cannot be continued (its timers and commands are gone): the steps that had taken effect,
 * applied to where the plan started, say where the components are; if they are split the application
 * is DIVERGED until an operator switches it to one region, and fences of the region left that had not
 * succeeded stay pending.
 */
final class Restore {

    /** Step indices for restored fences of another decision than the last: distinct, above any plan's. */
    private static final int FOREIGN_FENCE_INDEX = 1_000;

    private Restore() {}

    static StepResult from(ApplicationPolicy policy, TopologyState last, Instant now) {
        WorkingState w = new WorkingState(policy, ApplicationState.initial(policy, last.id()), now);
        w.announce = true;
        w.epoch = last.epoch();
        w.epochSeen(last.epochFloor());
        String note = "";
        if (policy.hasRegion(last.activeRegion()) && policy.hasRegion(last.standbyRegion())) {
            w.active = last.activeRegion();
            w.standby = last.standbyRegion();
        } else {
            note = "; its regions " + last.activeRegion() + "/" + last.standbyRegion() + " are not the policy's, so "
                    + w.active + " (the primary) is taken as active: check where the application runs";
        }
        w.frozen = last.frozen();
        w.automaticFailovers = last.automaticFailovers(); // the per-window cap still counts them
        w.holdDownUntil = last.holdDownUntil();
        w.lastDecisionId = last.lastDecisionId();
        switch (last.phase()) {
            case STEADY -> w.phase = Phase.STEADY;
            case DIVERGED -> diverged(w, placement(last.placement()));
            case PROPOSED -> {
                // the proposal is lost; where things are is not
                if (last.placement() != null) {
                    diverged(w, placement(last.placement()));
                } else {
                    w.phase = Phase.STEADY;
                }
                note += "; proposal " + last.lastDecisionId() + " was lost: ask again";
            }
            case SWITCHING, PAUSED -> {
                note += "; decision " + last.lastDecisionId() + " was " + last.phase() + " and cannot be continued";
                midPlan(w, last);
            }
        }
        restoreFences(w, last, now);
        w.alert(
                AlertCode.STATE_RESTORED,
                "the engine had no state for " + policy.applicationId()
                        + "; rebuilt from the topology published at " + last.time() + ": epoch " + last.epoch()
                        + " (new epochs are above " + w.highestEpochSeen + "), " + w.active + " active, " + w.phase
                        + note,
                null,
                null);
        if (w.phase == Phase.DIVERGED) {
            ComponentPlacement.ManagedComponents managed = ComponentPlacement.ManagedComponents.of(policy.plan());
            w.alert(
                    AlertCode.DIVERGED,
                    "after the restore the components may be split: "
                            + w.placement.describe(managed)
                            + "; fail over (or back) to one region, which runs the whole "
                            + "plan there",
                    null,
                    null);
        }
        return w.result();
    }

    private static ComponentPlacement placement(Placement published) {
        return published == null
                ? new ComponentPlacement(null, null, null)
                : new ComponentPlacement(published.dns(), published.data(), published.events());
    }

    private static void diverged(WorkingState w, ComponentPlacement placement) {
        w.phase = Phase.DIVERGED;
        w.placement = placement;
        if (placement.dns() != null && w.policy.hasRegion(placement.dns())) {
            w.active = placement.dns();
            w.standby = w.policy.otherRegion(placement.dns());
        }
    }

    /**
     * The published steps of the interrupted plan, applied to where it started: the split it was made
     * from if there was one, else the active region (during a switch, still the region being left).
     * The switch ended here, so the hold-down runs from now, unless nothing had moved.
     */
    private static void midPlan(WorkingState w, TopologyState last) {
        ComponentPlacement start =
                last.placement() != null ? placement(last.placement()) : ComponentPlacement.all(last.activeRegion());
        Divergence.Tracker tracker = new Divergence.Tracker(start);
        last.planSteps().forEach(step -> tracker.apply(step, null));
        ComponentPlacement placement = tracker.placement();
        String region = placement.region(ComponentPlacement.ManagedComponents.of(w.policy.plan()));
        boolean movedNothing = last.placement() == null && last.activeRegion().equals(region);
        if (region != null && w.policy.hasRegion(region)) {
            w.phase = Phase.STEADY;
            w.placement = null;
            w.active = region;
            w.standby = w.policy.otherRegion(region);
        } else {
            diverged(w, placement);
        }
        if (!movedNothing) {
            // a plan cut short before anything moved (e.g. while a pre-flight hook was asked) switched nothing:
            // a hold-down would block the failover an outage still needs
            w.extendHoldDown();
        }
    }

    /**
     * The published pending fences, and — for a plan cut short — its fences of a region that were
     * started and did not succeed, unless that region now holds the role (those are kept by
     * {@link PendingFences#retryDue}, which drops them, or not at all).
     */
    private static void restoreFences(WorkingState w, TopologyState last, Instant now) {
        int foreign = FOREIGN_FENCE_INDEX;
        for (FenceDuty duty : last.fenceDuties()) {
            if (!w.policy.hasRegion(duty.region())) {
                continue;
            }
            StepProgress step = duty.decisionId().equals(last.lastDecisionId()) ? stepOf(last, duty) : null;
            PendingFences.add(
                    w,
                    new PendingFence(
                            duty,
                            step == null ? foreign++ : step.index(),
                            step == null ? 0 : step.attempts(),
                            0,
                            null,
                            now,
                            "restored"));
        }
        if (last.phase() != Phase.SWITCHING && last.phase() != Phase.PAUSED || last.lastDecisionId() == null) {
            return;
        }
        for (StepProgress step : last.planSteps()) {
            boolean fence = step.action() == StepAction.DATA_FENCE || step.action() == StepAction.EVENTS_SET_STANDBY;
            boolean started = step.status() != StepStatus.PENDING && step.attempts() > 0;
            if (!fence || !started || step.status() == StepStatus.SUCCEEDED || !w.policy.hasRegion(step.region())) {
                continue;
            }
            FenceDuty duty = new FenceDuty(step.action(), step.region(), last.lastDecisionId());
            if (PendingFences.holder(w, duty) != PendingFences.Holder.THIS_REGION
                    && w.fences.stream()
                            .noneMatch(f -> f.duty().action() == duty.action()
                                    && f.duty().region().equals(duty.region()))) {
                PendingFences.add(
                        w,
                        new PendingFence(
                                duty,
                                step.index(),
                                step.attempts(),
                                0,
                                null,
                                now,
                                "the plan that started it was cut short by the state loss"));
            }
        }
    }

    private static StepProgress stepOf(TopologyState last, FenceDuty duty) {
        StepProgress found = null;
        for (StepProgress step : last.planSteps()) {
            if (step.action() == duty.action() && step.region().equals(duty.region())) {
                found = step;
            }
        }
        return found;
    }
}
