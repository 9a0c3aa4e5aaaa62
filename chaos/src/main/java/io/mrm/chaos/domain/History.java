package io.mrm.chaos.domain;

import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.topology.TopologyState;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a chaos run left behind, as read back: one application's events from MRM's topics, each list in the order of
 * its topic (one partition per application), and the backends' state at the end, read from the backends themselves.
 *
 * @param decisions    the decisions (drills included)
 * @param commands     the step commands of every command topic (rehearsals included)
 * @param acks         the actuators' acknowledgements
 * @param topology     the engine's topology updates
 * @param observations the health monitors' observations
 * @param atRest       the backends once the run settled
 * @param committedCommands the commands whose offsets the actuators' groups committed (each actuator commits a
 *                          command only once its acknowledgement's write was confirmed)
 * @param rows         the rows written to the primary's database during the run, and where they are at the end
 */
public record History(
        List<FailoverDecision> decisions,
        List<StepCommand> commands,
        List<CommandAck> acks,
        List<TopologyState> topology,
        List<HealthObservation> observations,
        BackendState atRest,
        Set<String> committedCommands,
        RowLedger rows) {

    public History {
        decisions = List.copyOf(decisions);
        commands = List.copyOf(commands);
        acks = List.copyOf(acks);
        topology = List.copyOf(topology);
        observations = List.copyOf(observations);
        committedCommands = Set.copyOf(committedCommands);
        rows = rows == null ? RowLedger.NONE : rows;
    }

    /** The decisions that switch something: executing, not a drill. */
    public List<FailoverDecision> switches() {
        return decisions.stream()
                .filter(d -> d.status() == io.mrm.events.decision.DecisionStatus.EXECUTING)
                .filter(d -> d.kind() != io.mrm.events.decision.DecisionKind.DRILL)
                .toList();
    }

    /** The engine's last word on a decision's plan: its last topology update naming it. */
    public Optional<TopologyState> lastTopologyOf(String decisionId) {
        TopologyState last = null;
        for (TopologyState t : topology) {
            if (decisionId.equals(t.lastDecisionId())) {
                last = t;
            }
        }
        return Optional.ofNullable(last);
    }

    /** Real (not rehearsal) commands. */
    public List<StepCommand> realCommands() {
        return commands.stream().filter(c -> !c.step().rehearsing()).toList();
    }
}
