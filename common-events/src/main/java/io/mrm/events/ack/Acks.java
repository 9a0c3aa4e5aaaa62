package io.mrm.events.ack;

import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Actuator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Builds the acknowledgement of a step command. */
public final class Acks {

    private Acks() {}

    /**
     * The ack id derives from the command id and outcome, so that answering a re-delivered command
     * again gives the same id and consumers can drop the duplicate.
     */
    public static CommandAck of(
            StepCommand command,
            AckOutcome outcome,
            String errorCode,
            String detail,
            long durationMs,
            Map<String, String> observed,
            Instant now) {
        return of(command, outcome, errorCode, detail, durationMs, observed, now, null);
    }

    /**
     * An ack that reports the fence epoch the actuator holds for the application (see
     * {@link CommandAck#fenceEpoch()}).
     */
    public static CommandAck of(
            StepCommand command,
            AckOutcome outcome,
            String errorCode,
            String detail,
            long durationMs,
            Map<String, String> observed,
            Instant now,
            Long fenceEpoch) {
        String id = UUID.nameUUIDFromBytes(("ack/" + command.id() + "/" + outcome).getBytes(StandardCharsets.UTF_8))
                .toString();
        Actuator actuator = command.action().actuator();
        return new CommandAck(
                id,
                command.applicationId(),
                now,
                CommandAck.SCHEMA_VERSION,
                command.id(),
                command.step(),
                actuator,
                command.action(),
                outcome,
                errorCode,
                detail,
                Math.max(0, durationMs),
                observed,
                fenceEpoch);
    }
}
