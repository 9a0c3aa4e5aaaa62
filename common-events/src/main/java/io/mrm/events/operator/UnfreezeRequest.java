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
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public UnfreezeRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.optionalText("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public UnfreezeRequest(
            String id, String applicationId, Instant time, int schemaVersion, String operator, String reason) {
        this(id, applicationId, time, schemaVersion, operator, reason, null);
    }

    @Override
    public UnfreezeRequest withSignature(RequestSignature signature) {
        return new UnfreezeRequest(id, applicationId, time, schemaVersion, operator, reason, signature);
    }
}
