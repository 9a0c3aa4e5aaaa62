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
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public AbortRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public AbortRequest(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String operator,
            String decisionId,
            String reason) {
        this(id, applicationId, time, schemaVersion, operator, decisionId, reason, null);
    }

    @Override
    public AbortRequest withSignature(RequestSignature signature) {
        return new AbortRequest(id, applicationId, time, schemaVersion, operator, decisionId, reason, signature);
    }
}
