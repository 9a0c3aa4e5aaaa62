package io.mrm.events.decision;

import io.mrm.events.Require;
import io.mrm.events.operator.SafetyRule;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Something an operator must know: a blocked automatic failover (naming the rule), a paused plan,
 * monitors gone blind, a rejected forged request.
 *
 * @param code       stable machine-readable code, e.g. {@code SAFETY_RULE_BLOCKED}
 * @param rule       the safety rule involved, if any
 * @param decisionId the decision involved, if any
 */
public record Alert(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        AlertSeverity severity,
        String code,
        String message,
        SafetyRule rule,
        String decisionId)
        implements DecisionEvent {

    public static final int SCHEMA_VERSION = 1;
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public Alert {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("severity", severity);
        Require.present("code", code);
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("code '" + code + "' is not valid: upper-case letters, digits, '_'");
        }
        Require.text("message", message);
        Require.optionalId("decisionId", decisionId);
    }
}
