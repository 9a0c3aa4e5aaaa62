package io.mrm.simulation.actors;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.StepResult;
import io.mrm.events.MrmEvent;
import io.mrm.events.topology.TopologyState;

/**
 * One step of the real core as the engine host ran it.
 *
 * @param before  the state it was given (null for an application the engine has no state for)
 * @param input   the input, or null for a tick; a {@link TopologyState} for a restore
 * @param lineage how many times the engine started from no state (0 for the first): what the engine
 *                remembers from observations and alerts starts afresh with each
 */
public record CoreStep(long nowMs, ApplicationState before, MrmEvent input, StepResult result, int lineage) {

    public boolean tick() {
        return input == null;
    }

    public boolean restore() {
        return input instanceof TopologyState;
    }

    public ApplicationState after() {
        return result.state();
    }
}
