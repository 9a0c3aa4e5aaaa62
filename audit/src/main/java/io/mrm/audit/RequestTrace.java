package io.mrm.audit;

import io.mrm.events.operator.SafetyRule;
import java.time.Instant;
import java.util.List;

/**
 * An operator request and the engine's answer; either may be missing from the records read.
 *
 * @param requestId   the request's id
 * @param type        short type, e.g. {@code freeze}, {@code manual-failover}, {@code skip-step}
 * @param operator    who asked
 * @param time        when it was asked (the answer's time when the request was not read)
 * @param reason      the operator's reason, if given
 * @param decisionId  the decision it names (or, for an accepted failover, the one it created)
 * @param stepIndex   the step a skip names, from 0
 * @param overrides   safety rules a failover request overrides
 * @param accepted    the engine's verdict; null when no answer was read
 * @param answer      the engine's reason ("accepted" or why not)
 * @param answeredAt  when the engine answered
 */
public record RequestTrace(
        String requestId,
        String type,
        String operator,
        Instant time,
        String reason,
        String decisionId,
        Integer stepIndex,
        List<SafetyRule> overrides,
        Boolean accepted,
        String answer,
        Instant answeredAt)
        implements TimelineNote {

    public RequestTrace {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    public boolean wasAccepted() {
        return Boolean.TRUE.equals(accepted);
    }
}
