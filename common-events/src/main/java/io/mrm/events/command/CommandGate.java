package io.mrm.events.command;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What every actuator checks before it touches anything: the command's epoch is not stale, and
 * its deadline has not passed (a command re-delivered long after its plan moved on must not act: it is
 * answered FAILED_RETRIABLE, one classification with the engine's own missed deadline).
 * Its refusals report the fence epoch it holds, as every ack must.
 *
 * <p>A rehearsal ({@link StepRef#rehearsing()}) is refused as stale like a real command, but its epoch is
 * never recorded: a drill must not fence out the real decision that follows it.
 */
public final class CommandGate {

    private final EpochFence fence = new EpochFence();

    /** The refusal to send instead of executing, or empty when the command may run. */
    public Optional<CommandAck> refusal(StepCommand command, Instant now) {
        long epoch = command.step().epoch();
        boolean stale = command.step().rehearsing()
                ? fence.stale(command.applicationId(), epoch)
                : !fence.admit(command.applicationId(), epoch);
        if (stale) {
            long held = fence.highest(command.applicationId());
            return Optional.of(Acks.of(
                    command,
                    AckOutcome.REJECTED_STALE,
                    "STALE_EPOCH",
                    "epoch " + epoch + " is below the highest seen, " + held,
                    0,
                    Map.of("highestEpoch", Long.toString(held)),
                    now,
                    held));
        }
        if (now.isAfter(command.step().deadline())) {
            // retriable, as the engine treats its own missed deadline: nothing was done, and the next attempt
            // carries a new deadline (an ack racing the engine's tick, or a clock ahead, must not pause a plan)
            long lateMs =
                    java.time.Duration.between(command.step().deadline(), now).toMillis();
            return Optional.of(Acks.of(
                    command,
                    AckOutcome.FAILED_RETRIABLE,
                    "DEADLINE_PASSED",
                    "deadline "
                            + command.step().deadline() + " passed " + lateMs + " ms before execution; nothing was done"
                            + " (if every attempt says so, this actuator's clock may run ahead of the engine's)",
                    0,
                    Map.of("lateMs", Long.toString(lateMs)),
                    now,
                    fence.highest(command.applicationId())));
        }
        return Optional.empty();
    }

    /** The highest epoch this gate has seen for the application (0 before any): its fence epoch. */
    public long highest(String applicationId) {
        return fence.highest(applicationId);
    }
}
