package io.mrm.events.operator;

import io.mrm.events.Require;
import java.time.Instant;

/**
 * Rehearse a switch to {@code targetRegion} (the standby when absent): the application's real plan runs with
 * every step a rehearsal — each actuator checks and times what it would do and changes nothing. Traffic,
 * fences and the epoch stay as they are, and a real outage cancels the drill.
 */
public record DrillRequest(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String operator,
        String targetRegion,
        FailoverMode mode,
        String reason,
        RequestSignature signature)
        implements OperatorRequest {

    public static final int SCHEMA_VERSION = 1;

    public DrillRequest {
        Require.common(id, applicationId, time, schemaVersion);
        Require.operator("operator", operator);
        Require.optionalName("targetRegion", targetRegion);
        Require.present("mode", mode);
        Require.text("reason", reason);
    }

    /** An unsigned request; sign it with {@link RequestSigning#sign}. */
    public DrillRequest(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String operator,
            String targetRegion,
            FailoverMode mode,
            String reason) {
        this(id, applicationId, time, schemaVersion, operator, targetRegion, mode, reason, null);
    }

    @Override
    public DrillRequest withSignature(RequestSignature signature) {
        return new DrillRequest(
                id, applicationId, time, schemaVersion, operator, targetRegion, mode, reason, signature);
    }
}
