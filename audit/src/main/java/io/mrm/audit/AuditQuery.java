package io.mrm.audit;

import java.time.Instant;

/**
 * What to audit.
 *
 * @param application only this application, or null for all
 * @param from        only events at or after this time, or null
 * @param to          only events at or before this time, or null
 */
public record AuditQuery(String application, Instant from, Instant to) {

    public static final AuditQuery ALL = new AuditQuery(null, null, null);

    public AuditQuery {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
    }

    boolean includes(String applicationId, Instant time) {
        return (application == null || application.equals(applicationId))
                && (from == null || !time.isBefore(from))
                && (to == null || !time.isAfter(to));
    }
}
