package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepCommand;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.World;

/**
 * Invariant 5: no split brain that outlasts the fence duty. Two writable databases, or two active event
 * brokers, while both regions can be reached and the engine runs STEADY, must see the engine send a fence
 * towards the stale one (DATA_FENCE of the database that is not the latest primary; EVENTS_SET_STANDBY of
 * the broker where DNS does not point) within {@code fence-retry-interval + fence-timeout + 2 ticks + 1 s},
 * and again within that bound after each attempt while it lasts. The bound is what the duty promises
 * (an attempt at the latest every retry interval, none while one is in flight up to its timeout); it is
 * counted from when the condition began to hold with the engine STEADY and both regions reachable (a
 * running or paused plan, or DIVERGED, has its own alerts and bounds), so lost commands and unreachable
 * regions do not make it flaky: each attempt is counted as sent, whatever became of it. Not judged after an engine reset (the duties were
 * lost with the state) or once an operator skipped a step (a skipped demotion or drain is the operator's call).
 */
final class NoSplitBrain extends Check {

    private final Exposure data = new Exposure("two writable databases");
    private final Exposure brokers = new Exposure("two active event brokers");

    NoSplitBrain() {
        super("NO_SPLIT_BRAIN");
    }

    private final class Exposure {
        final String what;
        boolean qualifying;
        boolean held;
        long lastEvalMs;
        long exposedMs;

        Exposure(String what) {
            this.what = what;
        }

        void advance(long now, boolean condition, boolean engineSteady) {
            if (qualifying) {
                exposedMs += now - lastEvalMs;
            }
            lastEvalMs = now;
            if (!condition) {
                if (held) {
                    checker.cover(this == data ? Coverage.SPLIT_DATA_HEALED : Coverage.SPLIT_BROKERS_HEALED);
                }
                held = false;
                exposedMs = 0;
            } else {
                held = true;
            }
            qualifying = condition && engineSteady && c().world.allReachable() && !c().resetHappened && !c().breakGlass;
            if (!qualifying) {
                exposedMs = 0; // counted from when it (last) began to qualify: a plan or an outage in between resets it
            }
            long bound = c().policy.fenceRetryInterval().toMillis()
                    + c().policy.fenceTimeout().toMillis()
                    + 2 * c().tickMs
                    + 1_000;
            if (qualifying && exposedMs > bound) {
                fail(
                        now,
                        what + " for " + exposedMs + " ms (bound " + bound + " ms) with both regions reachable and "
                                + "the engine STEADY, and no fence sent towards the stale one since "
                                + Trace.clock(now - exposedMs)
                                + "; " + c().world + context());
            }
        }
    }

    /** What a reader (and the list of known issues) needs to tell where the missing duty went. */
    private String context() {
        String more = "";
        if (c().restoredMidPlanAtMs >= 0) {
            more += "; the engine restored its state from a topology published mid-plan at "
                    + Trace.clock(c().restoredMidPlanAtMs);
        }
        String promotedBy = c().world.region(c().world.data().primary()).promotedBy();
        io.mrm.events.decision.FailoverDecision d =
                promotedBy == null ? null : c().ledger.decisions.get(promotedBy);
        if (d != null && d.mode() == io.mrm.events.operator.FailoverMode.GRACEFUL) {
            more += "; the primary was promoted by GRACEFUL decision " + io.mrm.simulation.actors.Describe.id(d.id())
                    + ", which has no fence of the region it leaves";
        }
        String stale = c().world.other(c().world.data().primary()).name();
        for (java.util.Map.Entry<String, String> aborted :
                c().ledger.abortedForced.entrySet()) {
            if (aborted.getValue().equals(stale)) {
                more += "; FORCED decision " + io.mrm.simulation.actors.Describe.id(aborted.getKey()) + " towards "
                        + stale + " was aborted (a forced failover back supersedes the fences owed to its target)";
            }
        }
        return more;
    }

    @Override
    void afterStep(CoreStep step) {
        evaluate(step.nowMs(), step.before() == null ? null : step.before().phase());
        World world = c().world;
        String staleData = world.other(world.data().primary()).name();
        String staleBroker = world.other(world.dns().region()).name();
        for (StepCommand command : Steps.outputs(step, StepCommand.class)) {
            if (command instanceof DataFenceCommand f && f.region().equals(staleData)) {
                data.exposedMs = 0;
            } else if (command instanceof EventsSetRoleCommand r
                    && r.role() == ReplicationRole.STANDBY
                    && r.region().equals(staleBroker)) {
                brokers.exposedMs = 0;
            }
        }
        evaluate(step.nowMs(), step.after().phase());
    }

    @Override
    void worldChanged(long nowMs) {
        ApplicationState state = c().engineState.get();
        evaluate(nowMs, state == null ? null : state.phase());
    }

    @Override
    void engineStopped(long nowMs) {
        worldChanged(nowMs);
    }

    @Override
    void engineStarted(long nowMs) {
        worldChanged(nowMs);
    }

    private void evaluate(long now, Phase phase) {
        boolean steady = c().engineUp.get() && phase == Phase.STEADY;
        data.advance(now, c().world.writableDatabases() > 1, steady);
        brokers.advance(now, c().world.activeBrokers() > 1, steady);
    }
}
