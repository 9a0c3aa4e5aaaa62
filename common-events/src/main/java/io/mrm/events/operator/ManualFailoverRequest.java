package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;
import java.util.List;

/** Switch the application to {@code targetRegion} now. Safety rules named in {@code overrideRules} are not checked (break-glass) and the decision records them. */
public record ManualFailoverRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String targetRegion,
        FailoverMode mode,
        List<SafetyRule> overrideRules,
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public ManualFailoverRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.name("targetRegion", targetRegion);
        Require.present("mode", mode);
        overrideRules = Require.list("overrideRules", overrideRules);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public ManualFailoverRequest(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String operator,
            String targetRegion,
            FailoverMode mode,
            List<SafetyRule> overrideRules,
            String reason) {
        this(id, applicationId, time, schemaVersion, operator, targetRegion, mode, overrideRules, reason, null);
    }

    @Override
    public ManualFailoverRequest withSignature(RequestSignature signature) {
        return new ManualFailoverRequest(
                id, applicationId, time, schemaVersion, operator, targetRegion, mode, overrideRules, reason, signature);
    }
}
