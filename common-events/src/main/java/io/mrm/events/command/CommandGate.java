package io.mrm.events.command;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What every actuator checks before it touches anything: the command's epoch is not stale, and
 * its deadline has not passed (a command re-delivered long after its plan moved on must not act).
 * Its refusals report the fence epoch it holds, as every ack must.
 */
public final class CommandGate {

    private final EpochFence fence = new EpochFence();

    /** The refusal to send instead of executing, or empty when the command may run. */
    public Optional<CommandAck> refusal(StepCommand command, Instant now) {
        long epoch = command.step().epoch();
        if (!fence.admit(command.applicationId(), epoch)) {
            long held = fence.highest(command.applicationId());
            return Optional.of(Acks.of(command, AckOutcome.REJECTED_STALE, "STALE_EPOCH", "epoch " + epoch
                    + " is below the highest seen, " + held, 0, Map.of("highestEpoch", Long.toString(held)), now,
                    held));
        }
        if (now.isAfter(command.step().deadline())) {
            return Optional.of(Acks.of(command, AckOutcome.FAILED_FATAL, "DEADLINE_PASSED", "deadline "
                    + command.step().deadline() + " passed before execution", 0, Map.of(), now,
                    fence.highest(command.applicationId())));
        }
        return Optional.empty();
    }

    /** The highest epoch this gate has seen for the application (0 before any): its fence epoch. */
    public long highest(String applicationId) {
        return fence.highest(applicationId);
    }
}
