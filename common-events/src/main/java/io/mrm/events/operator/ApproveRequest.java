package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Approve a proposed decision (mode MANUAL), which then executes. */
public record ApproveRequest(
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

    public ApproveRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.id("decisionId", decisionId);
        Require.optionalText("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public ApproveRequest(
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
    public ApproveRequest withSignature(RequestSignature signature) {
        return new ApproveRequest(id, applicationId, time, schemaVersion, operator, decisionId, reason, signature);
    }
}
