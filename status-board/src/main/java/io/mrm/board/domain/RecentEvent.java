package io.mrm.board.domain;

import java.time.Instant;

/**
 * One line of an application's recent history on the board: a decision, an alert or the outcome of an
 * operator's request, in words.
 *
 * @param time       when it happened
 * @param kind       what it is
 * @param label      a short label: the decision's kind and status, the alert's severity and code, the request's
 *                   type and whether it was accepted
 * @param text       what it says (a decision's route and reason, an alert's message, a refusal's reason)
 * @param decisionId the decision it belongs to, if any
 */
public record RecentEvent(Instant time, Kind kind, String label, String text, String decisionId) {

    /** What a recent event is. */
    public enum Kind {
        DECISION,
        ALERT,
        REQUEST
    }

    public RecentEvent {
        if (time == null || kind == null || label == null) {
            throw new IllegalArgumentException("a recent event needs its time, kind and label");
        }
        text = text == null ? "" : text;
    }
}
