package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;
import java.util.List;

/** Switch back to the configured primary region once it is healthy and re-protected. */
public record FailbackRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        FailoverMode mode,
        List<SafetyRule> overrideRules,
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public FailbackRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.present("mode", mode);
        overrideRules = Require.list("overrideRules", overrideRules);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public FailbackRequest(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String operator,
            FailoverMode mode,
            List<SafetyRule> overrideRules,
            String reason) {
        this(id, applicationId, time, schemaVersion, operator, mode, overrideRules, reason, null);
    }

    @Override
    public FailbackRequest withSignature(RequestSignature signature) {
        return new FailbackRequest(
                id, applicationId, time, schemaVersion, operator, mode, overrideRules, reason, signature);
    }
}
