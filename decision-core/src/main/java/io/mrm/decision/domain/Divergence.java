package io.mrm.decision.domain;

import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where the components are after a plan stopped part-way: which of its steps took effect. A step
 * that succeeded moved its component; one never started did not; one cut short while running (or
 * failed after an attempt went out) may have, so its component's region is unknown until an answer
 * says. Each component is judged on its own: DNS by the route, data by the promote, events by which
 * brokers were set active or standby.
 */
final class Divergence {

    private Divergence() {}

    /** After an abort: STEADY in one region, or DIVERGED with the placement recorded and alerted. */
    static void afterAbort(WorkingState w, String operator, String reason) {
        FailoverDecision d = w.run.decision();
        ComponentPlacement.ManagedComponents managed = managed(w);
        ComponentPlacement placement = placement(w.run);
        String region = placement.region(managed);
        String aborted = "decision " + d.id() + " (" + d.kind() + " " + d.fromRegion() + " -> " + d.toRegion()
                + ") aborted by " + operator + ": " + reason + "; fenced with epoch " + w.epoch;
        if (region != null) {
            settle(w, region);
            if (!region.equals(d.fromRegion())) {
                w.extendHoldDown(); // a switch happened: no automatic switch right after it
            } else if (d.kind() != DecisionKind.REPROTECT) {
                // the operator stopped a switch away from this region (automatic or their own): no automatic
                // one in the same direction, in the very step of the abort or later, until the region recovers
                w.raised.add(WorkingState.SUPPRESSED);
            }
            w.alert(
                    AlertCode.PLAN_ABORTED,
                    aborted + "; " + placement.describe(managed) + ": " + region + " is active",
                    null,
                    d.id());
            return;
        }
        diverge(w, placement);
        w.extendHoldDown();
        w.alert(
                AlertCode.DIVERGED,
                aborted + "; it left the components split: " + placement.describe(managed)
                        + "; traffic goes to " + w.active
                        + ". Commands of the old epoch still in flight may take effect "
                        + "until their deadlines (their answers are recorded). Way out: resume " + d.id()
                        + " to finish the "
                        + "switch to " + d.toRegion()
                        + ", or fail over (or back) to one region, which runs the whole plan "
                        + "there",
                null,
                d.id());
    }

    /** A late answer of an aborted plan said a step did take effect: the placement follows. */
    static void recordLateEffect(WorkingState w) {
        if (w.phase != Phase.STEADY && w.phase != Phase.DIVERGED) {
            return;
        }
        ComponentPlacement.ManagedComponents managed = managed(w);
        ComponentPlacement placement = placement(w.run);
        String region = placement.region(managed);
        boolean wasDiverged = w.placement != null;
        if (region != null) {
            settle(w, region);
            if (wasDiverged) {
                w.alert(
                        AlertCode.CONVERGED,
                        "a late answer of aborted decision " + w.run.decision().id() + " shows every component in "
                                + region,
                        null,
                        w.run.decision().id());
            }
        } else if (!placement.equals(w.placement)) {
            diverge(w, placement);
            w.alert(
                    AlertCode.DIVERGED,
                    "a late answer of aborted decision " + w.run.decision().id()
                            + " shows a step took effect after the abort: " + placement.describe(managed)
                            + "; traffic goes to "
                            + w.active,
                    null,
                    w.run.decision().id());
        }
    }

    /** Where a plan's steps, as they stand, put the components it started from. */
    static ComponentPlacement placement(PlanRun run) {
        Tracker tracker = new Tracker(run.placementAtStart());
        run.steps().forEach(step -> tracker.apply(step, run.timer(step.index())));
        return tracker.placement();
    }

    private static void settle(WorkingState w, String region) {
        w.placement = null;
        w.active = region;
        w.standby = w.policy.otherRegion(region);
        w.phase = Phase.STEADY;
    }

    private static void diverge(WorkingState w, ComponentPlacement placement) {
        w.placement = placement;
        // traffic goes where DNS points: that is the region whose outage matters now
        if (placement.dns() != null && w.policy.hasRegion(placement.dns())) {
            w.active = placement.dns();
            w.standby = w.policy.otherRegion(placement.dns());
        }
        w.phase = Phase.DIVERGED;
    }

    private static ComponentPlacement.ManagedComponents managed(WorkingState w) {
        return ComponentPlacement.ManagedComponents.of(w.policy.plan());
    }

    /** Applies steps in plan order to a placement. */
    static final class Tracker {
        private String dns;
        private String data;
        private final Set<String> activeBrokers = new LinkedHashSet<>();
        private boolean brokersKnown;

        Tracker(ComponentPlacement base) {
            dns = base.dns();
            data = base.data();
            brokersKnown = base.events() != null;
            if (brokersKnown) {
                activeBrokers.add(base.events());
            }
        }

        /** @param timer the step's timer, or null when unknown (then any unfinished attempt may have landed) */
        void apply(StepProgress step, PlanRun.StepTimer timer) {
            Effect effect = Effect.of(step, timer);
            if (effect == Effect.NONE) {
                return;
            }
            boolean done = effect == Effect.DONE;
            switch (step.action()) {
                case DNS_ROUTE -> dns = done ? step.region() : null;
                case DATA_PROMOTE -> data = done ? step.region() : null;
                case EVENTS_SET_ACTIVE -> {
                    activeBrokers.add(step.region());
                    brokersKnown &= done;
                }
                case EVENTS_SET_STANDBY -> {
                    activeBrokers.remove(step.region());
                    brokersKnown &= done;
                }
                default -> {
                    // verifies, drains, re-protect and data fences move no component
                }
            }
        }

        ComponentPlacement placement() {
            String events = brokersKnown && activeBrokers.size() == 1
                    ? activeBrokers.iterator().next()
                    : null;
            return new ComponentPlacement(dns, data, events);
        }
    }

    /**
     * What a step did to its component, as far as the engine knows: it succeeded; it never ran, was
     * skipped, or every attempt was answered with a failure (an actuator's failure means "not done");
     * or an attempt is in flight or went unanswered, and may have landed.
     */
    enum Effect {
        DONE,
        NONE,
        UNKNOWN;

        static Effect of(StepProgress step, PlanRun.StepTimer timer) {
            if (step.status() == StepStatus.SUCCEEDED) {
                return DONE;
            }
            if (step.status() == StepStatus.PENDING || step.attempts() == 0) {
                return NONE;
            }
            if (step.status() == StepStatus.SKIPPED) {
                // skipped (by an operator, or by a fallback to forced) with an attempt never answered: that
                // attempt may still have taken effect
                // (rebuilt from a published topology, without timers, any attempt may have)
                return timer == null || timer.unanswered() ? UNKNOWN : NONE;
            }
            if (timer != null && !timer.unanswered() && timer.attemptDeadline() == null) {
                return NONE;
            }
            return UNKNOWN;
        }
    }
}
