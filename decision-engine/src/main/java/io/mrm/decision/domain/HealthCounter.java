package io.mrm.decision.domain;

import io.mrm.events.observation.HealthStatus;
import java.time.Instant;

/**
 * Consecutive results one vantage point reported for one component of one region.
 *
 * @param lastObservationId the latest observation, kept as evidence
 */
public record HealthCounter(String region, String component, String vantage, int consecutiveFailures,
                            int consecutiveSuccesses, HealthStatus lastStatus, Instant lastSeen,
                            String lastObservationId, String lastDetail) {

    boolean sameSource(String region, String component, String vantage) {
        return this.region.equals(region) && this.component.equals(component) && this.vantage.equals(vantage);
    }
}
