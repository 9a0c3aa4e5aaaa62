package io.mrm.decision.domain;

import io.mrm.events.observation.HealthStatus;
import java.time.Instant;

/**
 * What one vantage point has reported for one component of one region.
 *
 * @param down              the hysteresis state: set after {@code failureThreshold} failures in a row,
 *                          cleared only after {@code recoveryThreshold} successes in a row
 * @param lastObservationId the latest observation, kept as evidence
 */
public record HealthCounter(String region, String component, String vantage, int consecutiveFailures,
                            int consecutiveSuccesses, boolean down, HealthStatus lastStatus, Instant lastSeen,
                            String lastObservationId, String lastDetail) {

    boolean sameSource(String region, String component, String vantage) {
        return this.region.equals(region) && this.component.equals(component) && this.vantage.equals(vantage);
    }

    boolean isFresh(Instant now, java.time.Duration staleAfter) {
        return !lastSeen.plus(staleAfter).isBefore(now);
    }
}
