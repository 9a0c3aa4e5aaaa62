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
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public SkipStepRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.atLeast("stepIndex", stepIndex, 0);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public SkipStepRequest(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String operator,
            String decisionId,
            int stepIndex,
            String reason) {
        this(id, applicationId, time, schemaVersion, operator, decisionId, stepIndex, reason, null);
    }

    @Override
    public SkipStepRequest withSignature(RequestSignature signature) {
        return new SkipStepRequest(
                id, applicationId, time, schemaVersion, operator, decisionId, stepIndex, reason, signature);
    }
}
