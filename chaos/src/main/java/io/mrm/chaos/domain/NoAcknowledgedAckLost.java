package io.mrm.chaos.domain;

import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * No acknowledgement an actuator had confirmed by the brokers is lost. The evidence is the actuator's committed
 * offset: it commits a command's offset only once the command has ended and its acknowledgement's write was
 * acknowledged (acks=all), so every command below its group's committed offset must have an acknowledgement on
 * the acknowledgements topic. (The actuators' log line "ack ..." is written as the acknowledgement is handed to
 * the producer, before the brokers confirm it: a crash may lose it legitimately, the command is then run again.)
 */
public final class NoAcknowledgedAckLost implements Invariant {

    @Override
    public String name() {
        return "no acknowledged ack lost";
    }

    @Override
    public List<Violation> check(History history) {
        Set<String> acked = new HashSet<>();
        for (CommandAck ack : history.acks()) {
            acked.add(ack.commandId());
        }
        List<Violation> violations = new ArrayList<>();
        for (StepCommand command : history.commands()) {
            if (history.committedCommands().contains(command.id()) && !acked.contains(command.id())) {
                violations.add(new Violation(
                        name(),
                        "command " + command.id() + " (" + command.action() + ", step "
                                + command.step().stepIndex() + ") is committed by its actuator, but no "
                                + "acknowledgement of it is on the topic"));
            }
        }
        return violations;
    }
}
