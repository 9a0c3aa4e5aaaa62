package io.mrm.events.readiness;

import io.mrm.events.Require;
import io.mrm.events.decision.Actuator;
import java.time.Instant;
import java.util.List;

/**
 * One actuator's read-only checks of one application, towards both regions: could each step it would
 * execute in a switch run now? Published on an interval; signed by the actuator it names.
 *
 * @param actuator   who checked; every check's action is one it executes
 * @param intervalMs how often this actuator checks (the engine treats a report older than its policy's
 *                   maximum age as UNKNOWN whatever the interval says)
 * @param checks     every check, for every region and step
 */
public record ReadinessReport(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        Actuator actuator,
        long intervalMs,
        List<ReadinessCheck> checks)
        implements ReadinessReportEvent {

    public static final int SCHEMA_VERSION = 1;
    /** Enough for every step of one actuator towards two regions, with room to spare. */
    public static final int MAX_CHECKS = 64;

    public ReadinessReport {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("actuator", actuator);
        Require.atLeast("intervalMs", intervalMs, 0);
        checks = Require.list("checks", checks);
        if (checks.size() > MAX_CHECKS) {
            throw new IllegalArgumentException("checks holds " + checks.size() + " entries, more than " + MAX_CHECKS);
        }
        for (ReadinessCheck check : checks) {
            if (check.action().actuator() != actuator) {
                throw new IllegalArgumentException("actuator " + actuator + " reports a check of " + check.action()
                        + ", which " + check.action().actuator() + " executes");
            }
        }
    }
}
