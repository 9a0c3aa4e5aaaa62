package io.mrm.decision.domain;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One configured step of an application's plan: what a decision's {@link io.mrm.events.decision.PlanStep} is
 * built from.
 *
 * @param action      what the step does
 * @param hook        the hook a hook step runs (its name in hook-actuator's configuration); null on any other step
 * @param timeout     how long one attempt may take; null: the policy's {@code step-timeout}
 * @param maxAttempts attempts before the plan pauses on it; null: the policy's {@code step-max-attempts}
 * @param parallel    runs together with the step before it (a parallel group: the plan moves on when all of its
 *                    steps are done)
 */
public record StepSpec(StepAction action, String hook, Duration timeout, Integer maxAttempts, boolean parallel) {

    public StepSpec {
        Objects.requireNonNull(action, "action");
        if (action.runsHook()) {
            if (hook == null) {
                throw new IllegalArgumentException(action + " needs the name of the hook it runs (hook: NAME)");
            }
            Require.name("hook", hook);
        } else if (hook != null) {
            throw new IllegalArgumentException(
                    "only a hook step (HOOK, PREFLIGHT_HOOK) names a hook; " + action + " named '" + hook + "'");
        }
        if (timeout != null && timeout.toMillis() < 1) {
            throw new IllegalArgumentException(action + ": timeout must be at least 1ms, was " + timeout);
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 20)) {
            throw new IllegalArgumentException(action + ": attempts must be between 1 and 20, was " + maxAttempts);
        }
    }

    /** A step with the policy's timeout and attempts. */
    public static StepSpec of(StepAction action) {
        return new StepSpec(action, null, null, null, false);
    }

    /**
     * Steps for plain actions, those in {@code parallelSteps} running with the step before them (never the
     * first, which has none).
     */
    public static List<StepSpec> of(List<StepAction> actions, Collection<StepAction> parallelSteps) {
        List<StepSpec> steps = new java.util.ArrayList<>();
        for (StepAction action : actions) {
            steps.add(new StepSpec(action, null, null, null, !steps.isEmpty() && parallelSteps.contains(action)));
        }
        return List.copyOf(steps);
    }

    public boolean preflight() {
        return action == StepAction.PREFLIGHT_HOOK;
    }

    /** The actions of some steps, in order. */
    public static List<StepAction> actions(List<StepSpec> steps) {
        return steps.stream().map(StepSpec::action).toList();
    }

    /**
     * The rules a plan's steps obey, checked wherever a policy is read and whenever one is built.
     *
     * @param at     where the steps were read, e.g. {@code mrm.decision.applications[orders].plan}
     * @param forced the forced variant: the region left may be down, so no step may need it
     */
    public static void check(String at, List<StepSpec> steps, boolean forced) {
        boolean changed = false;
        for (int i = 0; i < steps.size(); i++) {
            StepSpec step = steps.get(i);
            String where = at + "[" + i + "] (" + step.action() + ")";
            if (step.action() == StepAction.DATA_FENCE) {
                throw new IllegalArgumentException(where + ": DATA_FENCE is not a plan step of its own: a forced "
                        + "failover adds it (best-effort) to fence the region it leaves");
            }
            if (i == 0 && step.parallel()) {
                throw new IllegalArgumentException(
                        where + ": the plan's first step has no step before it to run with (parallel)");
            }
            if (step.preflight()) {
                if (step.parallel()) {
                    // the hook actuator runs an application's steps one at a time: a hook that hangs would use up
                    // the other's attempts, which would then count as "no answer" and skip its veto
                    throw new IllegalArgumentException(where + ": pre-flight hooks are asked one after another; "
                            + "a pre-flight hook cannot be parallel");
                }
                if (changed) {
                    throw new IllegalArgumentException(where + ": a pre-flight hook runs before anything changes; "
                            + "move it before " + steps.get(i - 1).action());
                }
            } else {
                if (!changed && i > 0 && step.parallel()) {
                    throw new IllegalArgumentException(where + ": the first step that changes something cannot run "
                            + "together with a pre-flight hook (which may veto it)");
                }
                changed = true;
            }
            if (forced && step.action().needsSourceRegion()) {
                throw new IllegalArgumentException(where + ": a forced plan runs while the region it leaves may be "
                        + "down, so it cannot hold a step on that region");
            }
        }
    }
}
