package io.mrm.decision.domain;

import io.mrm.events.observation.HealthStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * What one vantage point has reported for one component of one region.
 *
 * @param down              the hysteresis state: set after {@code failureThreshold} failures in a row,
 *                          cleared only after {@code recoveryThreshold} successes in a row
 * @param lastSeen          when the latest report counts from: its time, but never later than the
 *                          engine's clock when it arrived, so a monitor's clock cannot keep it fresh
 * @param lastObservationId the latest observation, kept as evidence
 * @param monitorRun        the monitor run that sent the latest report (null from monitors that do not say)
 * @param sequence          its number within that run: a report of the same run with a number not above
 *                          it is a replay or arrived out of order, and tells nothing new
 * @param external          the reports come from an alert webhook, not a probe (false in states stored
 *                          before it existed): such witnesses count at most {@code max-alert-witnesses}
 */
public record HealthCounter(
        String region,
        String component,
        String vantage,
        int consecutiveFailures,
        int consecutiveSuccesses,
        boolean down,
        HealthStatus lastStatus,
        Instant lastSeen,
        String lastObservationId,
        String lastDetail,
        String monitorRun,
        Long sequence,
        boolean external) {

    public HealthCounter(
            String region,
            String component,
            String vantage,
            int consecutiveFailures,
            int consecutiveSuccesses,
            boolean down,
            HealthStatus lastStatus,
            Instant lastSeen,
            String lastObservationId,
            String lastDetail,
            String monitorRun,
            Long sequence) {
        this(
                region,
                component,
                vantage,
                consecutiveFailures,
                consecutiveSuccesses,
                down,
                lastStatus,
                lastSeen,
                lastObservationId,
                lastDetail,
                monitorRun,
                sequence,
                false);
    }

    boolean sameSource(String region, String component, String vantage) {
        return this.region.equals(region) && this.component.equals(component) && this.vantage.equals(vantage);
    }

    boolean isFresh(Instant now, Duration staleAfter) {
        return !lastSeen.plus(staleAfter).isBefore(now);
    }

    /**
     * This vantage point calls the component up: past the hysteresis, and its latest report is not a
     * failure (a failing component is not healthy just because it has not failed often enough yet).
     */
    boolean reportsUp() {
        return !down && lastStatus != HealthStatus.DOWN;
    }

    /**
     * Whether a report of {@code run} numbered {@code number}, stamped {@code time}, comes after this one's.
     * Within one run the numbers say. Across runs (a restarted monitor, or a report of an earlier run
     * replayed by someone who can write to the topic: it verifies, its monitor signed it) only the
     * monitor's own time can: a report is newer only when stamped after the latest one counted, or
     * else alternating two old runs' reports would count each of them again and again.
     */
    boolean isBefore(String run, Long number, Instant time) {
        if (run != null && number != null && run.equals(monitorRun) && sequence != null) {
            return number > sequence;
        }
        if (run == null && monitorRun == null) {
            return true; // neither numbers its reports: monitors that predate numbering
        }
        return time.isAfter(lastSeen);
    }
}
