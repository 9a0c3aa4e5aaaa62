package io.mrm.chaos.domain;

import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * No command the engine committed is lost: every attempt its topology records is on its command topic (a write
 * acknowledged by the brokers survives a broker's loss), and every command on a command topic is acknowledged by
 * its actuator (none dropped by a crash between reading and answering).
 */
public final class NoCommandLost implements Invariant {

    @Override
    public String name() {
        return "no command lost";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        Set<String> acked = new HashSet<>();
        for (CommandAck ack : history.acks()) {
            acked.add(ack.commandId());
        }
        Set<String> attempts = new HashSet<>();
        for (StepCommand command : history.realCommands()) {
            attempts.add(key(
                    command.step().decisionId(),
                    command.step().stepIndex(),
                    command.step().attempt()));
            if (!acked.contains(command.id())) {
                violations.add(new Violation(
                        name(),
                        "command " + command.id() + " (" + command.action() + ", step "
                                + command.step().stepIndex() + " attempt "
                                + command.step().attempt() + ") was never acknowledged"));
            }
        }
        Set<String> reported = new HashSet<>();
        for (TopologyState t : history.topology()) {
            if (t.lastDecisionId() == null) {
                continue;
            }
            for (StepProgress step : t.planSteps()) {
                if (step.status() == StepStatus.SKIPPED) {
                    continue;
                }
                for (int attempt = 1; attempt <= step.attempts(); attempt++) {
                    String key = key(t.lastDecisionId(), step.index(), attempt);
                    if (!attempts.contains(key) && reported.add(key)) {
                        violations.add(new Violation(
                                name(), "the engine recorded " + key + " but no such command is on the topics"));
                    }
                }
            }
        }
        return violations;
    }

    private static String key(String decisionId, int step, int attempt) {
        return "step " + step + " attempt " + attempt + " of " + decisionId;
    }
}
