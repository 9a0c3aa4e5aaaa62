package io.mrm.events.decision;

import io.mrm.events.Require;
import java.time.Instant;

/**
 * The engine's answer to an operator request.
 *
 * @param requestId   the request answered
 * @param requestType the request's CloudEvents type
 * @param accepted    whether the request took effect
 * @param reason      why it was rejected, or what it did
 * @param decisionId  the decision it created or acted on, if any
 */
public record RequestOutcome(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String requestId,
        String requestType,
        String operator,
        boolean accepted,
        String reason,
        String decisionId)
        implements DecisionEvent {

    public static final int SCHEMA_VERSION = 1;

    public RequestOutcome {
        Require.common(id, applicationId, time, schemaVersion);
        Require.id("requestId", requestId);
        Require.text("requestType", requestType);
        Require.operator("operator", operator);
        Require.text("reason", reason);
        Require.optionalId("decisionId", decisionId);
    }
}
