package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.world.DbRole;
import io.mrm.simulation.world.Region;
import io.mrm.simulation.world.World;

/**
 * What an abort, a restore or a completion claims is true: when the engine says STEADY in region R and no
 * command it sent can still take effect (every deadline has passed), DNS points at R, R's database is the
 * primary, and (if the plan switches events) R's broker is active. A split the engine does not admit to
 * (DIVERGED) is exactly what DIVERGED exists for. Not judged after a reset (the engine cannot know the
 * world then) or once an operator skipped a step (the world may then differ by design: "done by hand").
 */
final class SteadyMatchesWorld extends Check {

    SteadyMatchesWorld() {
        super("STEADY_MATCHES_WORLD");
    }

    @Override
    void afterStep(CoreStep step) {
        ApplicationState after = step.after();
        if (after.phase() != Phase.STEADY
                || c().resetHappened
                || c().breakGlass
                || step.nowMs() <= c().ledger.commandsSettleAtMs
                || !Steps.outputs(step, StepCommand.class).isEmpty()) {
            return;
        }
        World world = c().world;
        String active = after.activeRegion();
        Region r = world.region(active);
        String wrong = !world.dns().region().equals(active)
                ? "DNS points at " + world.dns().region()
                : !world.data().primary().equals(active) || r.dbRole() != DbRole.PRIMARY
                        ? "the database primary is " + world.data().primary() + " (" + active + "'s is " + r.dbRole()
                                + ")"
                        : c().policy.plan().contains(StepAction.EVENTS_SET_ACTIVE)
                                        && r.vpnRole() != ReplicationRole.ACTIVE
                                ? active + "'s broker is " + r.vpnRole()
                                : null;
        if (wrong != null) {
            String contradiction = c().ledger.contradiction();
            String restored = c().restoredSplitProposalAtMs < 0
                    ? ""
                    : "; the engine restored its state at "
                            + io.mrm.simulation.run.Trace.clock(c().restoredSplitProposalAtMs)
                            + " from a PROPOSED topology whose placement showed the components split";
            String late = after.run() == null
                    ? null
                    : c().ledger.lateFailure(after.run().decision().id());
            fail(
                    step.nowMs(),
                    "the engine is STEADY in " + active + " with no command in flight, but " + wrong + "; "
                            + world + (contradiction == null ? "" : "; " + contradiction) + restored
                            + (late == null ? "" : "; " + late));
        }
    }
}
