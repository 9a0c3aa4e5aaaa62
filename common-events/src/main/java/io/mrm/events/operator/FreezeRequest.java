package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/** Freeze the application: no automatic decision until unfrozen. */
public record FreezeRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public FreezeRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public FreezeRequest(
            String id, String applicationId, Instant time, int schemaVersion, String operator, String reason) {
        this(id, applicationId, time, schemaVersion, operator, reason, null);
    }

    @Override
    public FreezeRequest withSignature(RequestSignature signature) {
        return new FreezeRequest(id, applicationId, time, schemaVersion, operator, reason, signature);
    }
}
