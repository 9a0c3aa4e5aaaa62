package io.mrm.audit;

import io.mrm.events.ack.AckOutcome;
import java.time.Instant;
import java.util.Map;

/**
 * One attempt at a plan step: the command sent and the actuator's acknowledgement, each of which
 * may be missing from the records read.
 *
 * @param attempt    1 for the first attempt
 * @param commandId  the command's id (known from the ack when the command itself was not read)
 * @param sentAt     when the engine sent the command; null when the command was not read
 * @param deadline   when the attempt counted as failed without an ack; null when the command was not read
 * @param ackOutcome the acknowledgement's outcome; null when none was read
 * @param ackAt      when the actuator acknowledged
 * @param durationMs how long the actuator says it took
 * @param errorCode  the backend's error code, if any
 * @param detail     the actuator's explanation
 * @param observed   the state the actuator observed afterwards
 */
public record StepAttempt(
        int attempt,
        String commandId,
        Instant sentAt,
        Instant deadline,
        AckOutcome ackOutcome,
        Instant ackAt,
        Long durationMs,
        String errorCode,
        String detail,
        Map<String, String> observed) {

    public StepAttempt {
        observed = observed == null ? Map.of() : Map.copyOf(observed);
    }

    public boolean commandSeen() {
        return sentAt != null;
    }

    public boolean acknowledged() {
        return ackOutcome != null;
    }

    public boolean succeeded() {
        return ackOutcome == AckOutcome.SUCCEEDED;
    }
}
