package io.mrm.events.ack;

import io.mrm.events.Require;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import java.time.Instant;
import java.util.Map;

/**
 * An actuator's answer to a step command.
 *
 * @param commandId  the command answered
 * @param step       the command's step reference, copied
 * @param actuator   who answers
 * @param action     the command's action
 * @param outcome    what happened
 * @param errorCode  the backend's own error code on failure (e.g. {@code Throttling})
 * @param detail     human-readable explanation
 * @param durationMs how long executing the command took
 * @param observed   the state observed after executing, e.g. {@code {"target": "b.example.net"}}
 * @param fenceEpoch the highest epoch the actuator holds for the application after this command (its
 *                   fencing token): on a stale refusal, the epoch that refused it, so that the engine can
 *                   issue a higher one; absent from actuators that predate it
 */
public record CommandAck(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String commandId,
        StepRef step,
        Actuator actuator,
        StepAction action,
        AckOutcome outcome,
        String errorCode,
        String detail,
        long durationMs,
        Map<String, String> observed,
        Long fenceEpoch)
        implements AckEvent {

    public static final int SCHEMA_VERSION = 1;

    public CommandAck {
        Require.common(id, applicationId, time, schemaVersion);
        Require.id("commandId", commandId);
        Require.present("step", step);
        Require.present("actuator", actuator);
        Require.present("action", action);
        if (action.actuator() != actuator) {
            throw new IllegalArgumentException("actuator " + actuator + " does not execute action " + action + " ("
                    + action.actuator() + " does)");
        }
        Require.present("outcome", outcome);
        Require.optionalText("errorCode", errorCode);
        Require.optionalText("detail", detail);
        Require.atLeast("durationMs", durationMs, 0);
        observed = Require.map("observed", observed);
        if (fenceEpoch != null) {
            Require.atLeast("fenceEpoch", fenceEpoch, 0);
        }
    }

    /** Without a fence epoch: what actuators wrote before they reported it. */
    public CommandAck(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String commandId,
            StepRef step,
            Actuator actuator,
            StepAction action,
            AckOutcome outcome,
            String errorCode,
            String detail,
            long durationMs,
            Map<String, String> observed) {
        this(
                id,
                applicationId,
                time,
                schemaVersion,
                commandId,
                step,
                actuator,
                action,
                outcome,
                errorCode,
                detail,
                durationMs,
                observed,
                null);
    }
}
