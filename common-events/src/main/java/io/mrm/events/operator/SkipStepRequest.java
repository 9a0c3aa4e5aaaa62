package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Break-glass: mark a failed step of a paused plan as skipped and carry on with the next. */
public record SkipStepRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String decisionId,
        int stepIndex,
        String reason) implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public SkipStepRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.atLeast("stepIndex", stepIndex, 0);
        Require.text("reason", reason);
    }
}
