package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.simulation.world.World;
import java.util.function.Supplier;

/** What every check may consult: the policy, the world, the oracles and the ledger. */
final class Context {

    final ApplicationPolicy policy;
    final World world;
    final long tickMs;
    final HealthOracle health;
    final SafetyOracle safety;
    final Ledger ledger = new Ledger();
    /** The engine's current state (null while it has none) and whether it runs. */
    final Supplier<ApplicationState> engineState;

    final Supplier<Boolean> engineUp;
    /** The engine was reset (state and topology lost) at least once: it cannot know what came before. */
    boolean resetHappened;
    /** An operator skipped a step or overrode a safety rule: the world may legitimately disagree with the plan. */
    boolean breakGlass;
    /** When the engine last restored its state from a topology published while a plan ran (-1: never). */
    long restoredMidPlanAtMs = -1;
    /** When the engine last restored from a PROPOSED topology that showed the components split (-1: never). */
    long restoredSplitProposalAtMs = -1;
    /** When the engine restored from a topology after a reset (what it learnt from acks is not published). */
    long restoredAfterResetAtMs = -1;

    Context(
            ApplicationPolicy policy,
            World world,
            long tickMs,
            Supplier<ApplicationState> engineState,
            Supplier<Boolean> engineUp) {
        this.policy = policy;
        this.world = world;
        this.tickMs = tickMs;
        this.health = new HealthOracle(policy);
        this.safety = new SafetyOracle(policy);
        this.engineState = engineState;
        this.engineUp = engineUp;
    }
}
