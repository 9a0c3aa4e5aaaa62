package io.mrm.kafka.readiness;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * An actuator's readiness checks (prefix {@code mrm.readiness}).
 *
 * @param enabled  whether the actuator checks and publishes readiness at all
 * @param interval how often every application is checked, towards both regions; the engine's policy
 *                 {@code readiness.max-age} must be longer, or every result counts as stale
 * @param timeout  the longest one application's checks may take in all; a check still running then is
 *                 reported UNKNOWN
 */
@Validated
@ConfigurationProperties("mrm.readiness")
public record ReadinessProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("60s") Duration interval,
        @NotNull @DefaultValue("20s") Duration timeout) {

    public ReadinessProperties {
        if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(
                    "mrm.readiness.interval must be at least 1s, was " + interval.toMillis() + "ms");
        }
        if (timeout != null
                && interval != null
                && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0)) {
            throw new IllegalArgumentException("mrm.readiness.timeout must be positive and at most "
                    + "mrm.readiness.interval (" + interval + "), was " + timeout);
        }
    }
}
