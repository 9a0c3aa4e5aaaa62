package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** End the hold-down after a failover early, so that automatic decisions may happen again. */
public record AcknowledgeHoldDownRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public AcknowledgeHoldDownRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public AcknowledgeHoldDownRequest(
            String id, String applicationId, Instant time, int schemaVersion, String operator, String reason) {
        this(id, applicationId, time, schemaVersion, operator, reason, null);
    }

    @Override
    public AcknowledgeHoldDownRequest withSignature(RequestSignature signature) {
        return new AcknowledgeHoldDownRequest(id, applicationId, time, schemaVersion, operator, reason, signature);
    }
}
