package io.mrm.audit;

import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.operator.SafetyRule;
import java.time.Instant;

/** An alert the engine raised. */
public record AlertTrace(
        String id,
        Instant time,
        AlertSeverity severity,
        String code,
        String message,
        SafetyRule rule,
        String decisionId)
        implements TimelineNote {}
