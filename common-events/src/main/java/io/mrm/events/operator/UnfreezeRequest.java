package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Lift a freeze. */
public record UnfreezeRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String reason) implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public UnfreezeRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.optionalText("reason", reason);
    }
}
