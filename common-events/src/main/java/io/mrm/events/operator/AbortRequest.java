package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Abort a running or paused plan; the steps already done stay done. */
public record AbortRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String decisionId,
        String reason) implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public AbortRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.text("reason", reason);
    }
}
