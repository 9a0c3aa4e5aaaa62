package io.mrm.decision.domain;

import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.SafetyRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a decision to switch into its plan, under a new epoch.
 *
 * <ul>
 *   <li>Fences still pending for the target region run first (ordinary steps) in a graceful plan:
 *       nothing is re-protected or drained towards a region whose broker may still be active or whose
 *       database writable. A forced plan towards it supersedes them: it makes that region the
 *       primary and active one at once.</li>
 *   <li>A FORCED plan drops the steps that need the region being left, and instead adds best-effort
 *       fences of it, each right after the step of the same actuator that moved its role to the
 *       target: the old broker set to standby after the new one is active (if the graceful plan would
 *       have demoted it), the old database fenced after the new one is promoted (a graceful plan gets
 *       this one too). They run beside the plan, never delay it, and what does not succeed stays a
 *       pending fence.</li>
 *   <li>An AUTOMATIC failover drains first when the policy gives it time ({@code failover-drain-within}):
 *       its plan is the graceful one (with the forced plan's best-effort fences added), and the decision
 *       says for how long the graceful path may be tried before the plan falls back to forced. An
 *       application tier that failed while its region's database and broker still answer then loses
 *       nothing; a region that is gone costs that bound and no more.</li>
 * </ul>
 */
final class PlanBuilder {

    /** What a switch is, before it has a plan. */
    record Switch(
            DecisionKind kind,
            FailoverMode mode,
            DecisionStatus status,
            String from,
            String to,
            String reason,
            String requestedBy,
            String requestId,
            List<SafetyRule> overrides,
            List<Evidence> evidence,
            List<StepSpec> steps) {

        /** Whether the switch's steps include this action. */
        boolean has(StepAction action) {
            return steps.stream().anyMatch(step -> step.action() == action);
        }
    }

    private PlanBuilder() {}

    static FailoverDecision decide(WorkingState w, Switch s) {
        return decision(w, s, w.nextEpoch());
    }

    /**
     * A drill's decision: the plan a real switch would run, under the CURRENT epoch (a rehearsal raises
     * nothing). Before the first real decision the epoch is 0, which no command may carry: the drill then
     * carries 1, the epoch the first real decision would get (a rehearsing actuator records no epoch).
     */
    static FailoverDecision drill(WorkingState w, Switch s) {
        return decision(w, s, Math.max(1, w.epoch));
    }

    private static FailoverDecision decision(WorkingState w, Switch s, long epoch) {
        boolean drainFirst = s.kind() == DecisionKind.AUTOMATIC_FAILOVER
                && s.mode() == FailoverMode.FORCED
                && !w.policy.failoverDrainWithin().isZero();
        List<PlanStep> plan = new ArrayList<>();
        boolean forced = s.mode() == FailoverMode.FORCED;
        boolean dropSourceSteps = forced && !drainFirst;
        // a forced switch runs the policy's forced plan where it has one (a failback's re-protect needs the region
        // it leaves, so it is dropped either way); else the graceful one, less what needs the region left
        List<StepSpec> steps =
                dropSourceSteps && s.kind() != DecisionKind.REPROTECT ? w.policy.stepsFor(true) : s.steps();
        // pre-flight hooks first: before anything changes, the target's pending fences included, so that a veto
        // stops the switch with nothing moved
        for (StepSpec step : steps) {
            if (step.preflight()) {
                plan.add(step(w, plan.size(), step, s.to(), s.from(), step.parallel(), false));
            }
        }
        // the broker first, then the database: the order a graceful switch demotes them in. A forced
        // switch towards that region does not: it makes the region primary and active at once, and
        // its fence would need the region it leaves (which is down) to show a newer primary.
        if (!forced || drainFirst) {
            w.fences.stream()
                    .filter(f -> f.duty().region().equals(s.to()))
                    .map(f -> f.duty().action())
                    .distinct()
                    .sorted()
                    .forEach(action -> plan.add(step(w, plan.size(), StepSpec.of(action), s.to(), null, false, false)));
        }
        // a fence only where the plan itself moves that role to the target: fencing the old database of
        // a plan that promotes nothing would close the only writable one
        boolean fenceEvents = forced && s.has(StepAction.EVENTS_SET_STANDBY) && s.has(StepAction.EVENTS_SET_ACTIVE);
        // and a graceful one too: its promote fences the old primary, but if the old region became
        // unreachable after the drain nothing else would (defence in depth; a fenced database is left as is)
        boolean fenceData = s.has(StepAction.DATA_PROMOTE);
        boolean first = true;
        for (StepSpec spec : steps) {
            StepAction action = spec.action();
            if (spec.preflight() || (dropSourceSteps && action.needsSourceRegion())) {
                continue;
            }
            // the first of the switch's own steps never runs together with the steps before it (fences, or
            // pre-flight hooks that may veto it)
            boolean parallel = !first && spec.parallel();
            first = false;
            plan.add(step(
                    w,
                    plan.size(),
                    spec,
                    region(action, s.from(), s.to()),
                    peer(action, s.from(), s.to()),
                    parallel,
                    false));
            if (fenceData && action == StepAction.DATA_PROMOTE) {
                plan.add(step(w, plan.size(), StepSpec.of(StepAction.DATA_FENCE), s.from(), null, false, true));
            }
            if (fenceEvents && action == StepAction.EVENTS_SET_ACTIVE) {
                plan.add(step(w, plan.size(), StepSpec.of(StepAction.EVENTS_SET_STANDBY), s.from(), null, false, true));
            }
        }
        return new FailoverDecision(
                w.nextId(),
                w.applicationId(),
                w.now,
                FailoverDecision.SCHEMA_VERSION,
                epoch,
                s.kind(),
                s.mode(),
                s.status(),
                s.from(),
                s.to(),
                Texts.clip(s.reason()),
                s.requestedBy(),
                s.requestId(),
                s.overrides(),
                s.evidence(),
                plan,
                drainFirst ? w.policy.failoverDrainWithin().toMillis() : null);
    }

    private static PlanStep step(
            WorkingState w,
            int index,
            StepSpec spec,
            String region,
            String peer,
            boolean parallel,
            boolean bestEffort) {
        long timeout = bestEffort
                ? w.policy.fenceTimeout().toMillis()
                : spec.timeout() != null
                        ? spec.timeout().toMillis()
                        : w.policy.stepTimeout().toMillis();
        int attempts = bestEffort ? 1 : spec.maxAttempts() != null ? spec.maxAttempts() : w.policy.stepMaxAttempts();
        return new PlanStep(
                index,
                spec.action(),
                region,
                peer,
                Math.max(1, timeout),
                attempts,
                parallel && index > 0,
                bestEffort,
                spec.hook());
    }

    /**
     * Target-side actions act on the region switched to; the others on the region left. A hook's step is the
     * target's (it may run on a forced path), its peer the region left.
     */
    private static String region(StepAction action, String from, String to) {
        return switch (action) {
            case DATA_PROMOTE, EVENTS_SET_ACTIVE, EVENTS_VERIFY, DNS_ROUTE, DNS_VERIFY, HOOK, PREFLIGHT_HOOK -> to;
            default -> from;
        };
    }

    private static String peer(StepAction action, String from, String to) {
        return switch (action) {
            case DATA_DRAIN, EVENTS_DRAIN, DATA_REPROTECT -> to;
            case HOOK, PREFLIGHT_HOOK -> from;
            default -> null;
        };
    }
}
