package io.mrm.decision.domain;

import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.Placement;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A state rebuilt from the last topology the engine published, for an application whose state was
 * lost (the engine's store and changelog reset): the epoch continues above the one the actuators
 * hold, the active region, freeze, hold-down and pending fences carry over. A plan that was running
 * cannot be continued (its timers and commands are gone): the steps that had taken effect say where
 * the components are, and if they are split the application is DIVERGED until an operator switches
 * it to one region.
 */
final class Restore {

    private Restore() {
    }

    static StepResult from(ApplicationPolicy policy, TopologyState last, Instant now) {
        WorkingState w = new WorkingState(policy, ApplicationState.initial(policy, last.id()), now);
        w.announce = true;
        w.epoch = last.epoch();
        w.epochSeen(last.epoch());
        if (policy.hasRegion(last.activeRegion()) && policy.hasRegion(last.standbyRegion())) {
            w.active = last.activeRegion();
            w.standby = last.standbyRegion();
        }
        w.frozen = last.frozen();
        w.holdDownUntil = last.holdDownUntil();
        w.lastDecisionId = last.lastDecisionId();
        w.fences = fences(last, now);
        String lost = "";
        switch (last.phase()) {
            case STEADY -> w.phase = Phase.STEADY;
            case DIVERGED -> diverged(w, last.placement());
            case PROPOSED -> {
                w.phase = Phase.STEADY;
                lost = "; proposal " + last.lastDecisionId() + " was lost: ask again";
            }
            case SWITCHING, PAUSED -> {
                lost = "; decision " + last.lastDecisionId() + " was " + last.phase() + " and cannot be continued";
                midPlan(w, last);
            }
        }
        w.alert(AlertCode.STATE_RESTORED, "the engine had no state for " + policy.applicationId()
                + "; rebuilt from the topology published at " + last.time() + ": epoch " + last.epoch()
                + " (new epochs are above it), " + w.active + " active, " + w.phase + lost, null, null);
        if (w.phase == Phase.DIVERGED) {
            ComponentPlacement.ManagedComponents managed = ComponentPlacement.ManagedComponents.of(policy.plan());
            w.alert(AlertCode.DIVERGED, "after the restore the components may be split: "
                    + w.placement.describe(managed) + "; fail over (or back) to one region, which runs the whole "
                    + "plan there", null, null);
        }
        return w.result();
    }

    private static void diverged(WorkingState w, Placement placement) {
        w.phase = Phase.DIVERGED;
        w.placement = placement == null ? new ComponentPlacement(null, null, null)
                : new ComponentPlacement(placement.dns(), placement.data(), placement.events());
    }

    /** The published steps of the interrupted plan, applied to where it started (still the active region). */
    private static void midPlan(WorkingState w, TopologyState last) {
        Divergence.Tracker tracker = new Divergence.Tracker(ComponentPlacement.all(last.activeRegion()));
        last.planSteps().forEach(step -> tracker.apply(step, null));
        ComponentPlacement placement = tracker.placement();
        String region = placement.region(ComponentPlacement.ManagedComponents.of(w.policy.plan()));
        if (region != null && w.policy.hasRegion(region)) {
            w.phase = Phase.STEADY;
            w.active = region;
            w.standby = w.policy.otherRegion(region);
        } else {
            w.phase = Phase.DIVERGED;
            w.placement = placement;
            if (placement.dns() != null && w.policy.hasRegion(placement.dns())) {
                w.active = placement.dns();
                w.standby = w.policy.otherRegion(placement.dns());
            }
        }
    }

    private static List<PendingFence> fences(TopologyState last, Instant now) {
        List<PendingFence> fences = new ArrayList<>();
        for (FenceDuty duty : last.fenceDuties()) {
            int index = 0;
            int attempts = 0;
            if (duty.decisionId().equals(last.lastDecisionId())) {
                for (StepProgress step : last.planSteps()) {
                    if (step.action() == duty.action() && step.region().equals(duty.region())) {
                        index = step.index();
                        attempts = step.attempts();
                    }
                }
            }
            fences.add(new PendingFence(duty, index, attempts, 0, null, now, "restored"));
        }
        return fences;
    }
}
