package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Reject a proposed decision; nothing is switched. */
public record RejectRequest(
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

    public RejectRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public RejectRequest(
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
    public RejectRequest withSignature(RequestSignature signature) {
        return new RejectRequest(id, applicationId, time, schemaVersion, operator, decisionId, reason, signature);
    }
}
